"""Publishing rules. Scheduling is a query: a published article with a future
``published_at`` is simply not yet visible (see ``ArticleQuerySet.published``)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article

PUBLISH_PERMISSION = "articles.publish_article"


def _check_can_publish(by) -> None:
    if by is not None and not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("你没有发布文章的权限。")


def article_publish(*, article: Article, by=None, at: datetime | None = None) -> Article:
    """Publish ``article`` now, or schedule it for ``at``.

    Raises ``PermissionDenied`` when ``by`` lacks ``articles.publish_article``. ``by=None`` is
    the system (importer, management commands).
    """
    _check_can_publish(by)
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    article.version += 1
    article.save(update_fields=["status", "published_at", "version", "updated_at"])
    return article


def article_unpublish(*, article: Article, by=None) -> Article:
    """Take ``article`` off the site. Same permission as publishing."""
    _check_can_publish(by)
    article.status = Article.Status.UNPUBLISHED
    article.version += 1
    article.save(update_fields=["status", "version", "updated_at"])
    return article
