"""Public names: which categories, tags, authors and projects a reader may see.

A category, tag, author or project is public once a published, due article uses it: before that
its name, logo or bio may be a scoop (a project named only in a draft). Pages, feeds, sitemaps
and the API find names through these selectors only (re-exported by ``articles.selectors``), so
a name used only by drafts, articles in review, scheduled or unpublished articles answers 404
everywhere.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

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


def author_get_published(*, slug: str) -> Author:
    """An author credited on at least one published article. Raises ``Http404``."""
    return get_object_or_404(author_list_published(), slug=slug)


def category_get_published(*, slug: str) -> Category:
    """A category with at least one published article, or a section (editors made it public by
    putting it in the navigation). Raises ``Http404``."""
    sections = Category.objects.filter(nav_position__isnull=False)
    return get_object_or_404(category_list_published() | sections, slug=slug)


def tag_get_published(*, slug: str) -> Tag:
    """A tag on at least one published article. Raises ``Http404``."""
    return get_object_or_404(tag_list_published(), slug=slug)


def project_get_published(*, external_id: str) -> Project:
    """A project mentioned by at least one published article. Raises ``Http404``."""
    return get_object_or_404(project_list_published(), external_id=external_id)
