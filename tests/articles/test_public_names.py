"""Names used only by drafts, articles in review, scheduled or unpublished articles are not
public: their pages and feeds 404, sitemaps leave them out, until a published article uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, Category, Project, Tag
from articles.services.articles import article_save
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SECRET_BODY = (
    "<p>文 | 秘密作者</p><p>只在草稿里出现的项目"
    '<a class="project-link" data-id="999001" data-name="秘密项目" data-logo="https://img.example.com/s.png" '
    'data-refer-type="2" href="https://36kr.com/projectDetails/999001">秘密项目</a>。</p>'
)

HIDDEN = [
    ("draft", Article.Status.DRAFT, -1),
    ("review", Article.Status.REVIEW, -1),
    ("unpublished", Article.Status.UNPUBLISHED, -1),
    ("scheduled", Article.Status.PUBLISHED, 24),
]


def _secret_article(status: str, hours: int) -> Article:
    article = ArticleFactory.build(
        title="秘密稿件", body=SECRET_BODY, status=status, published_at=timezone.now() + timedelta(hours=hours)
    )
    return article_save(article=article, categories=["秘密栏目"], tags=["秘密标签"])


def _name_urls() -> list[str]:
    category = Category.objects.get(name="秘密栏目")
    tag = Tag.objects.get(name="秘密标签")
    author = Author.objects.get(name="秘密作者")
    project = Project.objects.get(external_id="999001")
    urls = [tag.get_absolute_url()]
    for owner in (category, author, project):
        url = owner.get_absolute_url()
        urls += [url, url + "feed/", url + "feed/atom/"]
    return urls


@pytest.mark.parametrize(("name", "status", "hours"), HIDDEN, ids=[h[0] for h in HIDDEN])
def test_names_used_only_by_hidden_articles_answer_404_everywhere(client, name, status, hours):
    _secret_article(status, hours)
    for url in _name_urls():
        response = client.get(url)
        assert response.status_code == 404, url
        assert "秘密" not in response.content.decode()
    for sitemap in ("/sitemap-categories.xml", "/sitemap-tags.xml", "/sitemap-authors.xml", "/sitemap-projects.xml"):
        response = client.get(sitemap)
        assert response.status_code == 200, sitemap
        assert "秘密" not in response.content.decode() and "999001" not in response.content.decode()


def test_names_become_public_with_their_first_published_article(client):
    article = _secret_article(Article.Status.DRAFT, -1)
    article.status = Article.Status.PUBLISHED
    article_save(article=article)
    for url in _name_urls():
        assert client.get(url).status_code == 200, url
