"""Which webhook events an article change makes, and sending them on to the deliveries.

``article_events_record`` runs inside ``article_save``'s transaction (every save from every
write path: admin, admin API, actions, restores): events are rows written with the save (an
outbox), so a rolled-back save sends nothing, and the background task that dispatches them is
enqueued only when the transaction commits. The editor's save never waits for an HTTP request.

- ``article.published``: the article became visible to readers (published, and due).
- ``article.updated``: a visible article was saved and stays visible.
- ``article.unpublished``: a visible article stopped being visible (unpublished, sent back to
  draft or review, or its publication time moved into the future).
- ``article.scheduled_went_live`` (with ``article.published``): a scheduled article's
  publication time came. Recorded when it is scheduled, due at that time: the worker's queue
  runs the dispatch then (no cron), and the dispatch checks the article is still scheduled for
  that moment (rescheduled, unpublished or deleted articles send nothing).
- ``article.deleted``: a visible article was deleted (``post_delete``, any delete path).

Events are recorded only for kinds some active endpoint subscribes to (one query per save).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.webhooks import payloads
from articles.webhooks.models import EventKind, WebhookDelivery, WebhookEndpoint, WebhookEvent

_SCHEDULED_PREFIX = "scheduled:"


def _visible(article: Article | None, now: datetime) -> bool:
    return (
        article is not None
        and article.status == Article.Status.PUBLISHED
        and article.published_at is not None
        and article.published_at <= now
    )


def subscribed_kinds() -> set[str]:
    """The event kinds some active endpoint subscribes to (one query)."""
    kinds: set[str] = set()
    for events in WebhookEndpoint.objects.filter(is_active=True).values_list("events", flat=True):
        kinds.update(events or [])
    return kinds


def _enqueue_on_commit(event: WebhookEvent) -> None:
    from articles.webhooks.tasks import webhook_event_dispatch

    due = event.due_at if event.due_at > timezone.now() else None
    transaction.on_commit(
        lambda: webhook_event_dispatch.using(run_after=due).enqueue(str(event.pk)), robust=True
    )


def _record(kind: str, article_id: int, *, due_at: datetime, key: str | None = None) -> WebhookEvent:
    event, created = WebhookEvent.objects.get_or_create(
        key=key or f"{kind}:{uuid.uuid4()}",
        defaults={"kind": kind, "article_id": article_id, "due_at": due_at},
    )
    if created:
        _enqueue_on_commit(event)
    return event


def article_events_record(
    *, previous: Article | None, article: Article, subscribed: set[str] | None = None
) -> list[WebhookEvent]:
    """Record the events that saving ``previous`` (the stored row before the save, ``None`` for
    a new article) as ``article`` makes. Call inside the saving transaction. ``subscribed``:
    ``subscribed_kinds()`` when the caller already read it (a batch of writes)."""
    now = timezone.now()
    was_visible, is_visible = _visible(previous, now), _visible(article, now)
    kinds = []
    if is_visible:
        kinds.append(EventKind.UPDATED if was_visible else EventKind.PUBLISHED)
    elif was_visible:
        kinds.append(EventKind.UNPUBLISHED)
    scheduled = (
        article.status == Article.Status.PUBLISHED
        and article.published_at is not None
        and article.published_at > now
    )
    if not kinds and not scheduled:
        return []
    subscribed = subscribed if subscribed is not None else subscribed_kinds()
    events = [_record(kind, article.pk, due_at=now) for kind in kinds if kind in subscribed]
    if scheduled:
        moment = article.published_at.isoformat()
        for kind in (EventKind.PUBLISHED, EventKind.SCHEDULED_WENT_LIVE):
            if kind in subscribed:
                key = f"{_SCHEDULED_PREFIX}{kind}:{article.pk}:{moment}"
                events.append(_record(kind, article.pk, due_at=article.published_at, key=key))
    return events


def article_deleted(sender, instance: Article, **kwargs) -> None:
    """``post_delete`` handler: a visible article that is deleted makes ``article.deleted``."""
    if _visible(instance, timezone.now()) and EventKind.DELETED in subscribed_kinds():
        _record(EventKind.DELETED, instance.pk, due_at=timezone.now())


def _still_due(event: WebhookEvent, article: Article | None) -> bool:
    """Whether a scheduled event's article is still scheduled for the event's moment."""
    if article is None or article.status != Article.Status.PUBLISHED or article.published_at is None:
        return False
    return abs((article.published_at - event.due_at).total_seconds()) < 1e-3


@transaction.atomic
def event_dispatch(*, event_id: str) -> list[WebhookDelivery]:
    """Freeze the event's payload and make one delivery per subscribed active endpoint (never
    two: unique per event and endpoint); their attempts are enqueued on commit. An event that
    is not due yet, already dispatched or no longer true (the article went back to draft, a
    schedule moved) makes nothing."""
    from articles.selectors import article_with_relations
    from articles.webhooks.tasks import webhook_delivery_attempt

    event = (
        WebhookEvent.objects.select_for_update()
        .filter(pk=event_id, status=WebhookEvent.Status.WAITING)
        .first()
    )
    if event is None or event.due_at > timezone.now():
        return []
    if event.payload is None:
        article = article_with_relations(Article.objects.filter(pk=event.article_id)).first()
        still_true = _visible(article, timezone.now())
        if event.key.startswith(_SCHEDULED_PREFIX):
            still_true = still_true and _still_due(event, article)
        if event.kind in (EventKind.UNPUBLISHED, EventKind.DELETED):
            data = payloads.article_gone(event.article_id)
            still_true = not _visible(article, timezone.now())
        elif still_true:
            data = payloads.article_public(article)
        if not still_true:
            event.status = WebhookEvent.Status.CANCELLED
            event.save(update_fields=["status"])
            return []
        event.payload = payloads.event_payload(event, data)
    event.status = WebhookEvent.Status.DISPATCHED
    event.save(update_fields=["status", "payload"])
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.subscribes_to(event.kind)]
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint=endpoint) for endpoint in endpoints], ignore_conflicts=True
    )
    deliveries = list(event.deliveries.filter(status=WebhookDelivery.Status.PENDING))
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: webhook_delivery_attempt.enqueue(pk), robust=True)
    return deliveries
