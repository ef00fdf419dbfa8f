"""Public names: which categories, tags, authors and projects a reader may see.

A category, tag, author or project is public once a published, due article uses it: before that
its name, logo or bio may be a scoop (a project named only in a draft). Pages, feeds, sitemaps
and the API find names through these selectors only (re-exported by ``articles.selectors``), so
a name used only by drafts, articles in review, scheduled or unpublished articles answers 404
everywhere. Finding one by its name is a read compiled once (``articles.prepared``): it is the
first read of every owner page and feed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from articles.models import (
    Author,
    CategorizedArticle,
    Category,
    Credit,
    Project,
    ProjectMention,
    Tag,
    TaggedArticle,
    published_lookups,
)
from articles.prepared import PreparedRead, field_names


def category_list_published() -> QuerySet[Category]:
    """Categories with at least one published article (an EXISTS probe per category, not a
    join over every article), by slug."""
    return Category.objects.filter(
        Exists(CategorizedArticle.objects.filter(tag=OuterRef("pk"), **published_lookups("content_object")))
    ).order_by("slug")


def tag_list_published() -> QuerySet[Tag]:
    return Tag.objects.filter(
        Exists(TaggedArticle.objects.filter(tag=OuterRef("pk"), **published_lookups("content_object")))
    ).order_by("slug")


def author_list_published() -> QuerySet[Author]:
    return Author.objects.filter(
        Exists(Credit.objects.filter(author=OuterRef("pk"), **published_lookups("article")))
    ).order_by("slug")


def project_list_published() -> QuerySet[Project]:
    return Project.objects.filter(
        Exists(ProjectMention.objects.filter(project=OuterRef("pk"), **published_lookups("article")))
    ).order_by("external_id")


def _by_name(queryset: QuerySet, field: str) -> PreparedRead:
    """The public object whose ``field`` is given, as a read compiled once."""
    model = queryset.model

    def build(name: str) -> QuerySet:
        return queryset.filter(**{field: name}).values_list(*field_names(model))[:1]

    build.__name__ = f"{model.__name__.lower()}_by_{field}"
    return PreparedRead(build, model=model, arguments={"name": str})


def _get(read: PreparedRead, name: str):
    found = read.objects(name=name)
    if not found:
        raise Http404(f"No public {read.model.__name__} matches the given query.")
    return found[0]


_AUTHOR = _by_name(author_list_published(), "slug")
# A section is public even before its first article: editors put it in the navigation.
_CATEGORY = _by_name(category_list_published() | Category.objects.filter(nav_position__isnull=False), "slug")
_TAG = _by_name(tag_list_published(), "slug")
_PROJECT = _by_name(project_list_published(), "external_id")


def author_get_published(*, slug: str) -> Author:
    """An author credited on at least one published article. Raises ``Http404``."""
    return _get(_AUTHOR, slug)


def category_get_published(*, slug: str) -> Category:
    """A category with at least one published article, or a section (editors made it public by
    putting it in the navigation). Raises ``Http404``."""
    return _get(_CATEGORY, slug)


def tag_get_published(*, slug: str) -> Tag:
    """A tag on at least one published article. Raises ``Http404``."""
    return _get(_TAG, slug)


def project_get_published(*, external_id: str) -> Project:
    """A project mentioned by at least one published article. Raises ``Http404``."""
    return _get(_PROJECT, external_id)
