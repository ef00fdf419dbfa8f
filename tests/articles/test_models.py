from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Category
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_includes_due_articles_only():
    now = timezone.now()
    due = ArticleFactory(published_at=now - timedelta(minutes=1))
    ArticleFactory(published_at=now + timedelta(minutes=5))  # scheduled
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.UNPUBLISHED, published_at=now - timedelta(days=1))
    assert list(Article.objects.published()) == [due]


def test_scheduled_article_becomes_visible_at_its_time_without_any_job():
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_chinese_category_names_get_unicode_slugs():
    article = ArticleFactory()
    article.categories.set(["新媒体", "资讯"])
    assert set(Category.objects.values_list("slug", flat=True)) == {"新媒体", "资讯"}


def test_category_slugs_are_unique_and_never_empty():
    article = ArticleFactory()
    article.categories.set(["资讯", "— 资讯", "——"])
    slugs = list(Category.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 3
    assert all(slugs)


def test_category_slug_is_stable_when_other_categories_appear():
    first = ArticleFactory()
    first.categories.set(["资讯"])
    slug = Category.objects.get(name="资讯").slug
    ArticleFactory().categories.set(["— 资讯", "快讯"])
    assert Category.objects.get(name="资讯").slug == slug


def test_canonical_url_is_p_slash_id():
    article = ArticleFactory()
    assert article.get_absolute_url() == f"/p/{article.pk}/"


def test_remote_head_image_is_used_when_none_is_stored():
    article = ArticleFactory(head_image_url="https://img.example.com/a.jpg")
    assert article.head_image_src == "https://img.example.com/a.jpg"
    assert article.thumbnail_src == "https://img.example.com/a.jpg"
