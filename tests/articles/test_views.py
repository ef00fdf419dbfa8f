import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Credit
from articles.services.articles import article_save
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CreditFactory,
    ProjectFactory,
    ProjectMentionFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "<p>文 | 苏建勋</p><p>编辑 | 杨轩</p>"
    '<p>36氪获悉，<a class="project-link" data-id="8301" data-name="钉钉" '
    'data-logo="https://img.example.com/dd.png" data-refer-type="1" '
    'href="https://www.36dianping.com/space/1" target="_blank">钉钉</a>完成收购。</p>'
)


def jsonld_of(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.fixture
def article():
    article = ArticleFactory.build(
        title="钉钉收购拍乐云",
        body=BODY,
        head_image_url="https://img.example.com/head.jpg",
        published_at=timezone.now().replace(microsecond=0) - timedelta(days=1),
    )
    article_save(article=article, categories=["新媒体", "资讯"], tags=["企业服务"])
    return article


def test_home_lists_published_articles_only(client, article):
    ArticleFactory(title="草稿文章", status=Article.Status.DRAFT)
    ArticleFactory(title="定时文章", published_at=timezone.now() + timedelta(hours=2))
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "钉钉收购拍乐云" in content
    assert "草稿文章" not in content and "定时文章" not in content


def test_article_page_shows_credits_cards_and_intact_project_links(client, article):
    response = client.get(f"/p/{article.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "苏建勋" in content and "杨轩" in content
    assert (
        '<a class="project-link" data-id="8301" data-name="钉钉" data-logo="https://img.example.com/dd.png" '
        'data-refer-type="1" href="https://www.36dianping.com/space/1" target="_blank">钉钉</a>'
    ) in content
    assert 'href="/projects/8301/"' in content  # the project card
    assert "本文提及" in content


def test_article_date_is_shown_in_shanghai_time(client):
    article = ArticleFactory(published_at=timezone.datetime(2022, 3, 18, 1, 23, 51, tzinfo=timezone.UTC))
    content = client.get(f"/p/{article.pk}/").content.decode()
    assert "2022年3月18日 09:23" in content
    assert 'datetime="2022-03-18T09:23:51+08:00"' in content


def test_article_jsonld_carries_news_article_fields(client, article):
    data = jsonld_of(client.get(f"/p/{article.pk}/"))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "钉钉收购拍乐云"
    assert data["datePublished"] == timezone.localtime(article.published_at).isoformat()
    assert data["datePublished"].endswith("+08:00")
    assert data["dateModified"].endswith("+08:00")
    assert [p["name"] for p in data["author"]] == ["苏建勋"]
    assert [p["name"] for p in data["editor"]] == ["杨轩"]
    assert all(p["@type"] == "Person" for p in data["author"] + data["editor"])
    assert sorted(data["articleSection"]) == ["新媒体", "资讯"]
    assert set(data["keywords"]) == {"新媒体", "资讯", "企业服务"}
    assert data["image"] == ["https://img.example.com/head.jpg"]
    assert data["mentions"] == [
        {
            "@type": "Organization",
            "name": "钉钉",
            "url": "https://www.36dianping.com/space/1",
            "logo": "https://img.example.com/dd.png",
            "identifier": "8301",
        }
    ]


def test_jsonld_cannot_break_out_of_its_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    content = client.get(f"/p/{article.pk}/").content.decode()
    assert "</script><script>alert(1)" not in content
    assert jsonld_of(client.get(f"/p/{article.pk}/"))["headline"] == article.title


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.UNPUBLISHED])
def test_unpublished_articles_are_404_for_readers(client, status):
    article = ArticleFactory(status=status)
    assert client.get(f"/p/{article.pk}/").status_code == 404


def test_scheduled_article_is_404_until_its_time(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=10))
    assert client.get(f"/p/{article.pk}/").status_code == 404


def test_the_public_url_never_shows_a_draft_even_to_staff(client, admin_user):
    article = ArticleFactory(status=Article.Status.DRAFT, title="未发布的稿子")
    client.force_login(admin_user)
    assert client.get(f"/p/{article.pk}/?preview=1").status_code == 404
    response = client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200 and "未发布的稿子" in response.content.decode()


def test_missing_page_is_a_proper_404(client):
    response = client.get("/p/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_category_author_and_project_pages_list_their_articles(client, article):
    ArticleFactory(title="无关文章")
    category = article.categories.get(name="资讯")
    author = article.credits.get(role=Credit.Role.WRITER).author
    for url in (category.get_absolute_url(), author.get_absolute_url(), "/projects/8301/"):
        content = client.get(url).content.decode()
        assert "钉钉收购拍乐云" in content, url
        assert "无关文章" not in content, url


def _make_articles(count: int) -> None:
    for _ in range(count):
        article = ArticleFactory(categories=["资讯"])
        CreditFactory(article=article, author=AuthorFactory())
        ProjectMentionFactory(article=article, project=ProjectFactory())


@pytest.mark.parametrize("url", ["/categories/资讯/", "/archive/"])
def test_list_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries, url):
    _make_articles(3)
    # 9: the page's reads and the header's sections (one query, cached after).
    with django_assert_max_num_queries(9) as few:
        assert client.get(url).status_code == 200
    _make_articles(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_article_page_query_count_is_fixed(client, django_assert_max_num_queries, article):
    for n in range(10):
        article.body += f'<p><a class="project-link" data-id="{n}" data-name="项目{n}" href="https://e.example/{n}">x</a></p>'
    article_save(article=article)
    with django_assert_max_num_queries(10):  # with the header's sections and the most-read list
        assert client.get(f"/p/{article.pk}/").status_code == 200
