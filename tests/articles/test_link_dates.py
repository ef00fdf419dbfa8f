"""Category and tag pages read their newest articles from the links' copy of the publication
time (``articles.services.link_dates``): every way an article is published, unpublished,
rescheduled or relabelled keeps the copy right, and the pages list exactly what is public,
newest first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import selectors
from articles.models import Article, CategorizedArticle, Category, Tag, TaggedArticle
from articles.services.articles import article_save
from articles.services.publishing import article_publish, article_unpublish
from articles.services.writes import ArticleWrite, derived_after_write
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _dates(article: Article) -> set:
    return {
        *CategorizedArticle.objects.filter(content_object=article).values_list("published_at", flat=True),
        *TaggedArticle.objects.filter(content_object=article).values_list("published_at", flat=True),
    }


def _saved(title: str, hours_ago: float, **kwargs) -> Article:
    article = ArticleFactory.build(title=title, published_at=timezone.now() - timedelta(hours=hours_ago))
    return article_save(article=article, categories=["资讯"], tags=["融资"], **kwargs)


def _titles(client, url: str) -> list[str]:
    content = client.get(url).content.decode()
    titles = ["旧闻", "新闻", "改期", "草稿"]
    return sorted((t for t in titles if f">{t}<" in content), key=lambda t: content.index(f">{t}<"))


def test_links_carry_the_publication_time_through_every_write():
    article = _saved("新闻", 2)
    assert _dates(article) == {article.published_at}
    article_unpublish(article=article)
    assert _dates(article) == {None}
    later = timezone.now() + timedelta(days=1)
    article_publish(article=article, at=later)
    assert _dates(article) == {later}
    article.published_at = later - timedelta(days=3)
    article_save(article=article, categories=["资讯", "新媒体"], tags=["融资", "企业服务"])
    assert _dates(article) == {article.published_at}
    article.status = Article.Status.DRAFT
    article.save()  # a plain save, outside the write path, too
    assert _dates(article) == {None}


def test_links_added_one_by_one_start_with_the_article_time():
    article = ArticleFactory(categories=["资讯"])
    article.tags.add("融资")
    assert _dates(article) == {article.published_at}
    draft = ArticleFactory(status=Article.Status.DRAFT, categories=["资讯"])
    assert _dates(draft) == {None}


def test_a_write_batch_dates_the_links_it_writes():
    article = ArticleFactory()
    derived_after_write(
        writes=[ArticleWrite(article=article, categories=["资讯"], tags=["融资"])], replaced=[]
    )
    assert _dates(article) == {article.published_at}


@pytest.mark.parametrize("url", ["/categories/资讯/", "/tags/融资/"])
def test_label_pages_list_what_is_public_newest_first(client, url):
    old, new = _saved("旧闻", 30), _saved("新闻", 1)
    moved = _saved("改期", 10)
    draft = ArticleFactory.build(title="草稿", status=Article.Status.DRAFT)
    article_save(article=draft, categories=["资讯"], tags=["融资"])
    assert _titles(client, url) == ["新闻", "改期", "旧闻"]
    moved.published_at = timezone.now()
    article_save(article=moved)
    assert _titles(client, url) == ["改期", "新闻", "旧闻"]
    article_unpublish(article=new)
    article_publish(article=old, at=timezone.now() + timedelta(hours=1))
    assert _titles(client, url) == ["改期"]


def test_a_stale_link_date_never_shows_an_article_that_is_not_public():
    article = _saved("新闻", 2)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)  # no signals
    category, tag = Category.objects.get(name="资讯"), Tag.objects.get(name="融资")
    assert list(selectors.category_articles(category=category)) == []
    assert list(selectors.tag_articles(tag=tag)) == []
