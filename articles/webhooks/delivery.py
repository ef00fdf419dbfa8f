"""One delivery attempt: claim, sign, POST, log, and schedule the retry.

A delivery is claimed with one conditional UPDATE (pending and due -> sending), so two workers,
or a task enqueued twice, never send it twice; once it succeeded nothing sends it again.
Failures (a non-2xx answer, a redirect, a timeout, a refused connection) are retried after
``ARTICLES_WEBHOOK_RETRY_SECONDS`` × 2^(attempt-1) (plus up to 10% jitter), up to
``ARTICLES_WEBHOOK_MAX_ATTEMPTS`` attempts; every attempt is logged with its status code and
response time. A delivery stuck in "sending" (its worker died) may be claimed again after
``_STALE_CLAIM``.

Requests go straight to the endpoint (no proxy, no redirects followed) and, unless
``ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` is on, never to a loopback, private, link-local
or reserved address (an editor's endpoint must not reach the newsroom's internal services).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.webhooks.models import WebhookAttempt, WebhookDelivery
from articles.webhooks.signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "Masthead-Webhooks/1"
_STALE_CLAIM = timedelta(minutes=10)
_EXCERPT = 500


class EndpointRefused(Exception):
    """The endpoint's address is not one deliveries may go to."""


@dataclass(slots=True)
class AttemptResult:
    status_code: int | None
    response_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is the endpoint's answer, and a failure


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def address_check(url: str) -> None:
    """Raise ``EndpointRefused`` unless ``url`` is http(s) and (unless allowed) resolves only to
    public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointRefused("only http and https URLs with a host")
    if settings.ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as error:
        raise EndpointRefused(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise EndpointRefused(f"{parts.hostname} resolves to a non-public address ({address})")


def _post(url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
    started = time.monotonic()
    elapsed = lambda: int((time.monotonic() - started) * 1000)  # noqa: E731
    # http(s) only: address_check refused every other scheme before this point.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _OPENER.open(request, timeout=settings.ARTICLES_WEBHOOK_TIMEOUT_SECONDS) as response:
            excerpt = response.read(_EXCERPT).decode("utf-8", "replace")
            return AttemptResult(status_code=response.status, response_ms=elapsed(), excerpt=excerpt)
    except urllib.error.HTTPError as error:
        excerpt = error.read(_EXCERPT).decode("utf-8", "replace") if error.fp else ""
        return AttemptResult(
            status_code=error.code, response_ms=elapsed(), error=f"HTTP {error.code}", excerpt=excerpt
        )
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return AttemptResult(
            status_code=None, response_ms=elapsed(), error=str(reason)[:_EXCERPT] or type(error).__name__
        )


def retry_delay(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: exponential, with a little jitter."""
    base = settings.ARTICLES_WEBHOOK_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return base * (1 + random.random() * 0.1)  # noqa: S311  (spreading retries, not security)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    claimable = (
        Q(status=WebhookDelivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - _STALE_CLAIM)
    claimed = WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING, claimed_at=now
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt of the delivery if it is due and not delivered; returns it (``None`` if
    there was nothing to do). Schedules the next attempt on failure (``reschedule``)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    event, endpoint = delivery.event, delivery.endpoint
    body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Masthead-Event": event.kind,
        "X-Masthead-Event-Id": str(event.pk),
        "X-Masthead-Delivery": str(delivery.pk),
        "X-Masthead-Attempt": str(delivery.attempts + 1),
        SIGNATURE_HEADER: signature_header(secret=endpoint.secret, body=body),
    }
    started_at = timezone.now()
    if not endpoint.is_active:
        result = AttemptResult(status_code=None, response_ms=0, error="endpoint disabled")
    else:
        try:
            address_check(endpoint.url)
        except EndpointRefused as error:
            result = AttemptResult(status_code=None, response_ms=0, error=str(error)[:_EXCERPT])
        else:
            result = _post(endpoint.url, body, headers)
    return _log(delivery, result, started_at, give_up=not endpoint.is_active)


def _log(delivery: WebhookDelivery, result: AttemptResult, started_at, *, give_up: bool) -> WebhookDelivery:
    delivery.attempts += 1
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempt_log.count() + 1,  # counts across resends, unlike ``attempts``
        started_at=started_at,
        status_code=result.status_code,
        response_ms=result.response_ms,
        error=result.error[:_EXCERPT],
        response_excerpt=result.excerpt[:_EXCERPT],
    )
    delivery.last_status_code = result.status_code
    delivery.last_response_ms = result.response_ms
    delivery.last_error = result.error[:_EXCERPT]
    delivery.claimed_at = None
    if result.succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif give_up or delivery.attempts >= settings.ARTICLES_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        logger.warning("webhook delivery %s failed for good: %s", delivery.pk, result.error)
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(delivery.attempts))
    delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING:
        reschedule(delivery)
    return delivery


def reschedule(delivery: WebhookDelivery) -> None:
    """Enqueue the delivery's next attempt for its ``next_attempt_at`` (now if unset)."""
    from articles.webhooks.tasks import webhook_delivery_attempt

    when = delivery.next_attempt_at
    run_after = when if when is not None and when > timezone.now() else None
    webhook_delivery_attempt.using(run_after=run_after).enqueue(delivery.pk)


def deliveries_resend(*, deliveries) -> int:
    """Send the chosen deliveries again (an editor's decision in the admin): failed or stuck
    ones go back to pending with a fresh allowance of attempts; delivered ones stay as they are."""
    count = 0
    for delivery in deliveries.exclude(status=WebhookDelivery.Status.SUCCEEDED):
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.claimed_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        reschedule(delivery)
        count += 1
    return count
