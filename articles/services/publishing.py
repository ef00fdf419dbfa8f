"""Status changes. Scheduling is a query: a published article with a future ``published_at``
is simply not yet visible (see ``ArticleQuerySet.published``). Every change goes through
``article_save``, which checks the permission and keeps a revision."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from articles.services.articles import article_save
from articles.services.workflow import PUBLISH_PERMISSION  # noqa: F401  (re-exported)


def article_publish(
    *, article: Article, by=None, at: datetime | None = None, expected_version: int | None = None
) -> Article:
    """Publish ``article`` now, or schedule it for ``at`` (a future time).

    Raises ``PermissionDenied`` when ``by`` lacks ``articles.publish_article``. ``by=None`` is
    the system (importer, management commands). ``expected_version``: see ``article_save``.
    """
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    comment = _("定时发布") if article.published_at > timezone.now() else _("发布")
    return article_save(article=article, by=by, comment=comment, expected_version=expected_version)


def article_unpublish(*, article: Article, by=None, expected_version: int | None = None) -> Article:
    """Take ``article`` off the site. Same permission as publishing."""
    article.status = Article.Status.UNPUBLISHED
    return article_save(article=article, by=by, comment=_("撤回"), expected_version=expected_version)


def article_submit_for_review(*, article: Article, by=None, expected_version: int | None = None) -> Article:
    """Move a draft to review (what a writer does when the story is ready)."""
    article.status = Article.Status.REVIEW
    return article_save(article=article, by=by, comment=_("提交审核"), expected_version=expected_version)
