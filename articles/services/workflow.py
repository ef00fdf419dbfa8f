"""Who may do what to an article. The rules live here, and ``article_save`` applies them to
every write, so neither a form, a bulk action nor a crafted request gets around them.

* Writers (no ``articles.publish_article``) create articles and edit their own while they are
  drafts or in review; they may move them between draft and review, never to published or
  unpublished, and never set the publication time (that is scheduling).
* Editors (``articles.publish_article``) edit everything, publish, schedule and unpublish.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from articles.models import Article

PUBLISH_PERMISSION = "articles.publish_article"
WRITER_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.REVIEW})


def user_can_publish(user) -> bool:
    return bool(user is not None and user.has_perm(PUBLISH_PERMISSION))


def user_can_edit(user, article: Article) -> bool:
    """Whether ``user`` may change ``article`` at all (as stored now)."""
    if user is None:
        return True
    if not user.has_perm("articles.change_article"):
        return False
    if user_can_publish(user):
        return True
    return article.created_by_id == user.pk and article.status in WRITER_STATUSES


def article_check_write(*, user, previous: Article | None, article: Article) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may turn ``previous`` (``None``: a new
    article) into ``article``."""
    if previous is None:
        if not user.has_perm("articles.add_article"):
            raise PermissionDenied(_("你没有创建文章的权限。"))
    elif not user_can_edit(user, previous):
        raise PermissionDenied(_("你只能修改自己尚未发布的稿件。"))
    if user_can_publish(user):
        return
    if article.status not in WRITER_STATUSES:
        raise PermissionDenied(_("你没有发布、定时或撤回文章的权限。"))
    previous_time = previous.published_at if previous is not None else None
    if article.published_at != previous_time:
        raise PermissionDenied(_("只有编辑可以设定发布时间。"))
