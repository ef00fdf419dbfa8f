"""Reads shared by pages, feeds and the API. Each selector owns its ``select_related`` /
``prefetch_related`` so a page costs the same few queries however many rows exist."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from articles.models import Article, Author, Category, Credit, Project, ProjectMention, Tag


def _credits_prefetch() -> Prefetch:
    return Prefetch("credits", queryset=Credit.objects.select_related("author").order_by("order", "id"))


def article_list_published() -> QuerySet[Article]:
    """Published, due articles, newest first, with what a list card shows."""
    return (
        Article.objects.published()
        .defer("body", "extra")
        .prefetch_related(_credits_prefetch(), "categories", "renditions")
        .order_by("-published_at", "-id")
    )


def article_get_published(*, pk: int) -> Article:
    """A published, due article with everything its page shows. Raises ``Http404``."""
    return get_object_or_404(_article_detail_queryset(Article.objects.published()), pk=pk)


def article_get_for_preview(*, pk: int) -> Article:
    """Any article, whatever its status (staff preview). Raises ``Http404``."""
    return get_object_or_404(_article_detail_queryset(Article.objects.all()), pk=pk)


def _article_detail_queryset(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        _credits_prefetch(),
        "categories",
        "tags",
        "renditions",
        Prefetch("mentions", queryset=ProjectMention.objects.select_related("project")),
    )


def article_projects(*, article: Article) -> list[Project]:
    """The distinct projects an article mentions, in order of first mention (no query)."""
    seen: dict[int, Project] = {}
    for mention in article.mentions.all():
        seen.setdefault(mention.project_id, mention.project)
    return list(seen.values())


def category_get(*, slug: str) -> Category:
    return get_object_or_404(Category, slug=slug)


def category_articles(*, category: Category) -> QuerySet[Article]:
    return article_list_published().filter(categories=category)


def tag_get(*, slug: str) -> Tag:
    return get_object_or_404(Tag, slug=slug)


def tag_articles(*, tag: Tag) -> QuerySet[Article]:
    return article_list_published().filter(tags=tag)


def author_get(*, slug: str) -> Author:
    return get_object_or_404(Author, slug=slug)


def author_articles(*, author: Author) -> QuerySet[Article]:
    return article_list_published().filter(credits__author=author).distinct()


def project_get(*, external_id: str) -> Project:
    return get_object_or_404(Project, external_id=external_id)


def project_articles(*, project: Project) -> QuerySet[Article]:
    return article_list_published().filter(mentions__project=project).distinct()
