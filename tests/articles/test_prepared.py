"""Reads compiled once (``articles.prepared``) give what their queryset gives, for any
arguments, in one query; on PostgreSQL as a prepared statement."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from articles import selectors
from articles.models import Article, Category
from articles.prepared import PreparedRead, field_names
from articles.public_names import category_list_published
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_page_ids_match_the_orm_for_every_owner_and_slice(django_assert_num_queries):
    tech, money = Category.objects.create(name="科技"), Category.objects.create(name="钱")
    for n in range(7):
        ArticleFactory(categories=[tech] if n % 2 else [tech, money])
    ArticleFactory(status=Article.Status.DRAFT, categories=[tech])
    for category in (tech, money):
        ordered = list(selectors.category_articles(category=category).values_list("pk", flat=True))
        for bottom, top in ((0, 3), (3, 6), (6, 9)):
            with django_assert_num_queries(1):
                ids = selectors.owner_article_ids(owner=category, bottom=bottom, top=top)
            assert ids == ordered[bottom:top]
    lead = Article.objects.order_by("-published_at").first().pk
    expected = list(selectors.story_list_published().exclude(pk=lead).values_list("pk", flat=True)[:4])
    assert selectors.story_ids(bottom=0, top=4, exclude=lead) == expected


def test_objects_come_back_as_the_orm_makes_them():
    ArticleFactory(categories=["科技"])
    read = PreparedRead(
        lambda name: category_list_published().filter(name=name).values_list(*field_names(Category)),
        model=Category,
        arguments={"name": str},
    )
    (found,) = read.objects(name="科技")
    assert found == Category.objects.get(name="科技")
    assert (found.name, found.slug, found.nav_position) == ("科技", "科技", None)
    assert read.objects(name="无") == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            assert any('"articles_category"' in statement for (statement,) in cursor.fetchall())


def test_an_argument_that_is_not_a_parameter_is_refused():
    read = PreparedRead(
        lambda title: Article.objects.values_list("pk"),  # the argument never reaches the SQL
        model=Article,
        arguments={"title": str},
    )
    with pytest.raises(ImproperlyConfigured):
        read.rows(title="x")
