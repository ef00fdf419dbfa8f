"""Which surrogate keys a change to each kind of content empties (used by the signal handlers
in ``articles.signals`` and by the scheduled-publication check)."""

from __future__ import annotations

from collections.abc import Iterable

from articles.caching.keys import ARTICLES, SITEMAPS, key_for, owner_list_key
from articles.models import (
    Article,
    Author,
    CategorizedArticle,
    Category,
    Credit,
    Project,
    ProjectMention,
    Tag,
    TaggedArticle,
)


def article_list_keys(ids: Iterable[int]) -> set[str]:
    """Keys emptied when articles ``ids`` enter, leave or move in lists: their own pages, every
    list of all articles, the sitemaps, and the lists of their categories, tags, credited
    authors and mentioned projects (four queries)."""
    ids = list(ids)
    keys = {ARTICLES, SITEMAPS, *(key_for(Article, pk) for pk in ids)}
    owners = (
        (Category, CategorizedArticle.objects.filter(content_object_id__in=ids), "tag_id"),
        (Tag, TaggedArticle.objects.filter(content_object_id__in=ids), "tag_id"),
        (Author, Credit.objects.filter(article_id__in=ids), "author_id"),
        (Project, ProjectMention.objects.filter(article_id__in=ids), "project_id"),
    )
    for model, rows, column in owners:
        keys.update(owner_list_key(model, pk) for pk in set(rows.values_list(column, flat=True)))
    return keys


def listing_changed(before: tuple[str, object, str] | None, article: Article) -> bool:
    """Whether saving ``article`` (``before``: its stored ``(status, published_at, kind)``,
    ``None`` when new or unknown) moves it into, out of or within any list (a published
    article that becomes a flash leaves the article lists and joins the flash list)."""
    published = Article.Status.PUBLISHED
    if before is None:
        return article.status == published
    status, published_at, kind = before
    if published not in (status, article.status):
        return False
    return (status, published_at, kind) != (article.status, article.published_at, article.kind)


def relation_keys(instance: CategorizedArticle | TaggedArticle | Credit | ProjectMention) -> set[str]:
    """An article's category, tag, credit or mention changed: its page and that owner's list."""
    if isinstance(instance, CategorizedArticle):
        article_id, owner = instance.content_object_id, owner_list_key(Category, instance.tag_id)
    elif isinstance(instance, TaggedArticle):
        article_id, owner = instance.content_object_id, owner_list_key(Tag, instance.tag_id)
    elif isinstance(instance, Credit):
        article_id, owner = instance.article_id, owner_list_key(Author, instance.author_id)
    else:
        article_id, owner = instance.article_id, owner_list_key(Project, instance.project_id)
    return {key_for(Article, article_id), owner, SITEMAPS}
