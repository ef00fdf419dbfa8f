"""Background tasks (Django's tasks framework; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from articles.webhooks import delivery, events

QUEUE = "webhooks"


@task(queue_name=QUEUE)
def webhook_event_dispatch(event_id: str) -> int:
    """Dispatch one event to its endpoints; returns how many deliveries it made."""
    return len(events.event_dispatch(event_id=event_id))


@task(queue_name=QUEUE)
def webhook_delivery_attempt(delivery_id: int) -> str | None:
    """One attempt of one delivery; returns the delivery's status after it."""
    done = delivery.delivery_attempt(delivery_id=delivery_id)
    return done.status if done is not None else None
