"""Curating the front page: editors pin stories as the lead or into the featured row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied

from articles.models import Article, FrontPageSlot
from articles.services.workflow import user_can_publish


def front_page_pin(
    *,
    article: Article,
    kind: str,
    by,
    title: str = "",
    expires_at: datetime | None = None,
) -> FrontPageSlot:
    """Pin ``article`` to the front page as ``kind`` (``FrontPageSlot.Kind``), ahead of the
    slots already there (position 0, newest pin first). It shows once the article is public
    and until ``expires_at``.

    Raises ``PermissionDenied`` unless ``by`` may publish (curating is an editor's call).
    """
    if not user_can_publish(by):
        raise PermissionDenied
    return FrontPageSlot.objects.create(
        article=article,
        kind=FrontPageSlot.Kind(kind),
        position=0,
        title=title.strip(),
        expires_at=expires_at,
        created_by=by,
    )
