"""Signal handlers: side effects only. Any write that changes what readers see makes the
cached reader pages stale (``articles.caching.content_changed``); a deleted rendition takes
its file with it; a deleted public article is a webhook event.

The generation moves on at once (so a page rendered later in the same transaction, or in a
test, is fresh) and again when the transaction commits (so a page another request rendered
from the old rows while the transaction was open is not kept).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from articles.caching import content_changed
from articles.models import (
    Article,
    Author,
    CategorizedArticle,
    Category,
    Credit,
    Project,
    ProjectMention,
    Rendition,
    Tag,
    TaggedArticle,
)
from articles.webhooks.events import article_deleted

WATCHED_MODELS = (
    Article,
    Author,
    Credit,
    Project,
    ProjectMention,
    Category,
    Tag,
    CategorizedArticle,
    TaggedArticle,
)


def reader_content_changed(**kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the fixture's own objects, no reader has cached them yet
    content_changed()
    transaction.on_commit(content_changed, robust=True)


def relation_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        reader_content_changed(**kwargs)


def rendition_file_delete(sender, instance: Rendition, **kwargs) -> None:
    # Renditions can always be made again from the head image; their files go with them, once
    # the deletion is committed (a rolled-back transaction keeps rows and files together).
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name))


def register_signal_handlers() -> None:
    """Connect the handlers; called once from ``ArticlesConfig.ready()``."""
    for model in WATCHED_MODELS:
        uid = f"articles-reader-cache-{model.__name__}"
        post_save.connect(reader_content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(reader_content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (CategorizedArticle, TaggedArticle):
        m2m_changed.connect(
            relation_changed, sender=through, dispatch_uid=f"articles-reader-cache-{through.__name__}-m2m"
        )
    post_delete.connect(rendition_file_delete, sender=Rendition, dispatch_uid="rendition_file_delete")
    # Webhooks: a deleted public article is an event whichever way it was deleted.
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="webhooks-article-deleted")
