"""Signal handlers: side effects only. Any write that changes what readers see purges the
surrogate keys of what it changed (``articles.caching.keys_changed``: Masthead's page and
fragment caches at once and after the commit, the CDN after the commit); a deleted rendition
takes its file with it; a deleted public article is a webhook event.

What each change purges (``articles.caching.affected``):

- an article: its own key (its page, and every list, feed and related-articles box showing
  it) and the sitemaps; when it enters, leaves or moves in lists (published, unpublished,
  rescheduled, deleted), also every list of all articles and the lists of its categories,
  tags, authors and projects;
- a category, tag, credit or project mention of an article: the article and that owner's list;
- an author, project, category or tag itself (renamed, new logo): every response showing it
  (a category also empties the sections: header navigation and the home page's blocks);
- a rendition: the article showing it;
- a front-page slot (pinned, edited, removed): the front page.

Bulk writers that bypass signals call ``articles.caching.content_changed()`` instead.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from articles.caching import keys_changed
from articles.caching.affected import article_list_keys, listing_changed, relation_keys
from articles.caching.keys import FRONT_PAGE, SECTIONS, SITEMAPS, key_for, object_key
from articles.models import (
    Article,
    Author,
    CategorizedArticle,
    Category,
    Credit,
    FrontPageSlot,
    Project,
    ProjectMention,
    Rendition,
    Tag,
    TaggedArticle,
)
from articles.webhooks.events import article_deleted

RELATIONS = (CategorizedArticle, TaggedArticle, Credit, ProjectMention)
SHOWN_OBJECTS = (Author, Project, Category, Tag)


def article_remember_listing(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    # What the row says before this save: whether the save moves the article in lists.
    if raw or instance.pk is None:
        instance._listing_before = None
        return
    instance._listing_before = (
        Article.objects.filter(pk=instance.pk).values_list("status", "published_at", "kind").first()
    )


def article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # loaddata: the fixture's own objects, no reader has cached them yet
    before = getattr(instance, "_listing_before", None)
    if listing_changed(before, instance):
        keys_changed(article_list_keys([instance.pk]), schedule_changed=True)
    else:
        keys_changed({object_key(instance), SITEMAPS})


def article_deleting(sender, instance: Article, **kwargs) -> None:
    # Before the delete: its categories, credits and mentions still say which lists held it.
    keys_changed(article_list_keys([instance.pk]), schedule_changed=True)


def relation_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        keys_changed(relation_keys(instance))


def shown_object_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        # Any category may be (or stop being) a section: the navigation shows them all.
        extra = {SECTIONS} if isinstance(instance, Category) else set()
        keys_changed({object_key(instance), SITEMAPS, *extra})


def front_page_changed(sender, instance: FrontPageSlot, raw: bool = False, **kwargs) -> None:
    if not raw:
        keys_changed({FRONT_PAGE})


def rendition_changed(sender, instance: Rendition, raw: bool = False, **kwargs) -> None:
    if not raw:
        keys_changed({key_for(Article, instance.article_id)})


def rendition_file_delete(sender, instance: Rendition, **kwargs) -> None:
    # Renditions can always be made again from the head image; their files go with them, once
    # the deletion is committed (a rolled-back transaction keeps rows and files together).
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name))


def register_signal_handlers() -> None:
    """Connect the handlers; called once from ``ArticlesConfig.ready()``."""
    uid = "articles-reader-cache"
    pre_save.connect(article_remember_listing, sender=Article, dispatch_uid=f"{uid}-article-before")
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}-article-save")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid=f"{uid}-article-delete")
    for model in RELATIONS:
        post_save.connect(relation_changed, sender=model, dispatch_uid=f"{uid}-{model.__name__}-save")
        post_delete.connect(relation_changed, sender=model, dispatch_uid=f"{uid}-{model.__name__}-delete")
    for model in SHOWN_OBJECTS:
        post_save.connect(shown_object_changed, sender=model, dispatch_uid=f"{uid}-{model.__name__}-save")
        post_delete.connect(shown_object_changed, sender=model, dispatch_uid=f"{uid}-{model.__name__}-delete")
    post_save.connect(front_page_changed, sender=FrontPageSlot, dispatch_uid=f"{uid}-front-page-save")
    post_delete.connect(front_page_changed, sender=FrontPageSlot, dispatch_uid=f"{uid}-front-page-delete")
    post_save.connect(rendition_changed, sender=Rendition, dispatch_uid=f"{uid}-rendition-save")
    post_delete.connect(rendition_changed, sender=Rendition, dispatch_uid=f"{uid}-rendition-delete")
    post_delete.connect(rendition_file_delete, sender=Rendition, dispatch_uid="rendition_file_delete")
    # Webhooks: a deleted public article is an event whichever way it was deleted.
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="webhooks-article-deleted")
