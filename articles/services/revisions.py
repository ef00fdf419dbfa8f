"""Restoring an article to one of its revisions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Version

from articles.models import Article
from articles.services.articles import article_save
from articles.services.workflow import article_check_write

# What a restore brings back is the content; the workflow state and the import bookkeeping stay
# as they are now (restoring last week's text must not unpublish today's story).
_KEPT_AS_NOW = (
    "status",
    "published_at",
    "version",
    "legacy_path",
    "legacy_hash",
    "legacy_permalink",
    "legacy_version",
    "created_by",
)


@transaction.atomic
def article_restore(*, article: Article, version: Version, by=None) -> Article:
    """Bring back the content of ``version`` (title, body, images, credits, categories ...) as a
    new revision on top of the current one.

    Raises ``PermissionDenied`` when ``by`` may not edit the article now, and ``ValueError``
    when ``version`` is not one of this article's revisions.
    """
    if version.content_type.model_class() is not Article or str(version.object_id) != str(article.pk):
        raise ValueError("not a revision of this article")
    current = Article.objects.select_for_update().get(pk=article.pk)
    if by is not None:
        article_check_write(user=by, previous=current, article=current)
    version.revision.revert(delete=True)
    Article.objects.filter(pk=current.pk).update(**{name: getattr(current, name) for name in _KEPT_AS_NOW})
    restored = Article.objects.get(pk=current.pk)
    when = date_format(timezone.localtime(version.revision.date_created), "Y-m-d H:i:s")
    return article_save(article=restored, by=by, comment=_("恢复到 %(when)s 的版本") % {"when": when})
