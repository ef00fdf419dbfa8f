"""Publication times copied onto category and tag link rows (``CategorizedArticle``,
``TaggedArticle``): a label's page reads its newest articles from its own links, by the
``(tag, published_at, content_object)`` index, instead of walking every newest article and
probing its links.

A link's ``published_at`` is its article's while the article is published (scheduled ones
included: they join the page when that time comes, as the article query says) and NULL
otherwise. ``link_dates_sync`` sets it for the articles just written; every write of an article
(``articles.services.writes.derived_after_write``: saves, publishing, unpublishing,
rescheduling, restores, imports) calls it after the links are written. Readers still check the
article itself is public: a link date is only an index.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from articles.models import Article, CategorizedArticle, TaggedArticle

LINK_MODELS = (CategorizedArticle, TaggedArticle)


def _article_date():
    return Subquery(
        Article.objects.filter(pk=OuterRef("content_object_id"), status=Article.Status.PUBLISHED).values(
            "published_at"
        )[:1]
    )


def link_date(article: Article):
    """The ``published_at`` an article's links carry: its own while it is published, else None."""
    return article.published_at if article.status == Article.Status.PUBLISHED else None


def link_dates_sync(article_ids: Iterable[int]) -> None:
    """Give the category and tag links of ``article_ids`` their article's publication time
    (NULL when it is not published): one UPDATE per link table."""
    ids = [pk for pk in article_ids if pk is not None]
    if not ids:
        return
    for model in LINK_MODELS:
        model.objects.filter(content_object_id__in=ids).update(published_at=_article_date())


def link_date_fill(sender, instance, raw: bool = False, **kwargs) -> None:
    """``pre_save`` of a link row written one by one (taggit's ``set``/``add``, the admin):
    it starts with its article's date. No query when the article came with it (taggit passes
    it); ``link_dates_sync`` settles it for every write anyway."""
    if raw or instance.published_at is not None:
        return
    if type(instance)._meta.get_field("content_object").is_cached(instance):
        instance.published_at = link_date(instance.content_object)
        return
    published = Article.objects.filter(pk=instance.content_object_id, status=Article.Status.PUBLISHED)
    instance.published_at = published.values_list("published_at", flat=True).first()


def article_dates_changed(sender, instance: Article, created: bool = False, raw: bool = False, **kw) -> None:
    """``post_save`` of an article whose status or publication time changed, however it was
    saved (a plain ``save()`` too): its links follow. A new article has no links yet."""
    from articles.caching.affected import listing_changed

    if raw or created:
        return
    if listing_changed(getattr(instance, "_listing_before", None), instance):
        link_dates_sync([instance.pk])


def register_signal_handlers() -> None:
    """Connect the handlers (``ArticlesConfig.ready()``; after ``articles.signals``, whose
    ``pre_save`` remembers what an article's row said before the save)."""
    from django.db.models.signals import post_save, pre_save

    for model in LINK_MODELS:
        pre_save.connect(link_date_fill, sender=model, dispatch_uid=f"link-date-{model.__name__}")
    post_save.connect(article_dates_changed, sender=Article, dispatch_uid="link-dates-article-save")
