"""Autosaves: what an editor typed but has not saved, so a closed tab loses nothing.

They are kept per user and per article (one slot for a new article), never touch the article
(no version, no revision) and go when the article is saved.
"""

from __future__ import annotations

from articles.models import Article, ArticleAutosave
from articles.sanitize import clean_html


def autosave_store(
    *, user, article: Article | None, title: str, body: str, excerpt: str, base_version: int | None
) -> ArticleAutosave:
    """Keep the editor's current text (the body cleaned like any body)."""
    autosave, _created = ArticleAutosave.objects.update_or_create(
        user=user,
        article=article,
        defaults={
            "title": title[:500],
            "body": clean_html(body),
            "excerpt": excerpt,
            "base_version": base_version,
        },
    )
    return autosave


def autosave_get(*, user, article: Article | None) -> ArticleAutosave | None:
    return ArticleAutosave.objects.filter(user=user, article=article).first()


def autosave_discard(*, user, article: Article | None) -> None:
    ArticleAutosave.objects.filter(user=user, article=article).delete()
