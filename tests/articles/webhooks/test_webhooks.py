"""Webhooks end to end: an article change, the database task queue, a worker, and a real HTTP
server on 127.0.0.1 that this test starts."""

from __future__ import annotations

import json
import threading
from collections import deque
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.services.articles import article_save
from articles.services.publishing import article_publish, article_unpublish
from articles.webhooks.models import EventKind, WebhookDelivery, WebhookEndpoint, WebhookEvent
from articles.webhooks.signing import secret_new, signature_verify
from articles.webhooks.tasks import webhook_delivery_attempt, webhook_event_dispatch
from tests.factories import ArticleFactory

# Real commits: events are enqueued when the saving transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A local HTTP endpoint: records every request and answers with the next queued status."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: deque[int] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.popleft() if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"server error")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/masthead"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self) -> list[str]:
        return [json.loads(r["body"])["event"] for r in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def endpoint(receiver, settings) -> WebhookEndpoint:
    settings.ARTICLES_WEBHOOK_RETRY_SECONDS = 0
    settings.ARTICLES_WEBHOOK_MAX_ATTEMPTS = 3
    return WebhookEndpoint.objects.create(
        name="合作方", url=receiver.url, events=[kind.value for kind in EventKind], secret=secret_new()
    )


def run_worker() -> None:
    """Run the database worker until no task is ready (what `make run` keeps running)."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )


def draft(**fields) -> Article:
    return article_save(
        article=ArticleFactory.build(status=Article.Status.DRAFT, published_at=None, **fields)
    )


def test_publishing_delivers_one_signed_event_from_the_background_worker(receiver, endpoint):
    article = draft(title="星河机器人完成融资")
    article_publish(article=article)
    # The save only recorded the event and queued its dispatch: no request yet.
    assert receiver.requests == []
    assert DBTaskResult.objects.ready().count() == 1
    run_worker()
    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]
    assert signature_verify(secret=endpoint.secret, header=headers["X-Masthead-Signature"], body=body)
    assert not signature_verify(secret="whsec_other", header=headers["X-Masthead-Signature"], body=body)
    assert not signature_verify(
        secret=endpoint.secret, header=headers["X-Masthead-Signature"], body=body + b" "
    )
    payload = json.loads(body)
    event = WebhookEvent.objects.get()
    assert payload["id"] == headers["X-Masthead-Event-Id"] == str(event.pk)
    assert payload["event"] == headers["X-Masthead-Event"] == "article.published"
    assert payload["data"]["article"]["id"] == article.pk
    assert payload["data"]["article"]["title"] == "星河机器人完成融资"
    assert payload["data"]["article"]["body_html"].startswith("<p>")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempts == 1 and delivery.last_status_code == 200
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 200 and attempt.response_ms >= 0 and attempt.response_excerpt == "ok"


def test_a_failed_delivery_is_retried_with_backoff_and_signed_again(receiver, endpoint, settings):
    settings.ARTICLES_WEBHOOK_RETRY_SECONDS = 30
    receiver.statuses.extend([500])
    article_publish(article=draft())
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 25 < wait <= 33  # 30 s plus at most 10% jitter
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == delivery.next_attempt_at
    run_worker()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    # Time passes.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["X-Masthead-Event-Id"] == second["headers"]["X-Masthead-Event-Id"]
    for request in receiver.requests:
        assert signature_verify(
            secret=endpoint.secret, header=request["headers"]["X-Masthead-Signature"], body=request["body"]
        )


def test_the_backoff_doubles_and_gives_up_after_the_last_attempt(receiver, endpoint, settings):
    from articles.webhooks.delivery import retry_delay

    settings.ARTICLES_WEBHOOK_RETRY_SECONDS = 10
    assert [round(retry_delay(n) // 10) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    settings.ARTICLES_WEBHOOK_RETRY_SECONDS = 0
    receiver.statuses.extend([500, 503, 502, 200])
    article_publish(article=draft())
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert len(receiver.requests) == 3


def test_an_unreachable_endpoint_is_logged_and_retried(endpoint, receiver):
    endpoint.url = "http://127.0.0.1:9/closed"  # discard port: connection refused
    endpoint.save()
    article_publish(article=draft())
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert all(a.status_code is None and a.error for a in delivery.attempt_log.all())


def test_a_delivered_event_is_never_sent_twice(receiver, endpoint):
    article = draft()
    article_publish(article=article)
    run_worker()
    assert len(receiver.requests) == 1
    event, delivery = WebhookEvent.objects.get(), WebhookDelivery.objects.get()
    # The same tasks queued again (a retry racing a success, a worker restarted mid-batch).
    webhook_event_dispatch.enqueue(str(event.pk))
    webhook_delivery_attempt.enqueue(delivery.pk)
    webhook_delivery_attempt.enqueue(delivery.pk)
    run_worker()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


def test_updates_unpublishing_and_deleting_are_events_but_drafts_are_not(receiver, endpoint):
    article = draft()
    article.title = "还在写"
    article_save(article=article)  # a draft's save is nobody's business
    assert not WebhookEvent.objects.exists()
    # The worker runs all along (as under `make run`).
    article_publish(article=article)
    run_worker()
    article.title = "更正后的标题"
    article_save(article=article)
    run_worker()
    article_unpublish(article=article)
    run_worker()
    gone = article_publish(article=draft(title="将被删除"))
    run_worker()
    Article.objects.filter(pk=gone.pk).delete()
    run_worker()
    assert receiver.events() == [
        "article.published",
        "article.updated",
        "article.unpublished",
        "article.published",
        "article.deleted",
    ]
    updated = json.loads(receiver.requests[1]["body"])
    assert updated["data"]["article"]["title"] == "更正后的标题"
    # What is no longer public is not sent: only the id and the former URL.
    unpublished = json.loads(receiver.requests[2]["body"])["data"]["article"]
    assert unpublished == {"id": article.pk, "url": f"http://testserver/p/{article.pk}/"}


def test_content_withdrawn_before_its_event_was_sent_is_not_sent(receiver, endpoint):
    article = article_publish(article=draft(title="发错了"))
    article_unpublish(article=article)  # before the worker got to the published event
    run_worker()
    assert receiver.events() == ["article.unpublished"]
    assert "发错了" not in receiver.requests[0]["body"].decode()
    assert WebhookEvent.objects.get(kind="article.published").status == "cancelled"


def test_endpoints_get_only_the_events_they_subscribe_to(receiver, endpoint):
    endpoint.events = ["article.unpublished"]
    endpoint.save()
    article = article_publish(article=draft())
    article_unpublish(article=article)
    run_worker()
    assert receiver.events() == ["article.unpublished"]


def test_a_scheduled_article_going_live_is_sent_when_it_is_due(receiver, endpoint, monkeypatch):
    when = timezone.now() + timedelta(hours=2)
    article = article_publish(article=draft(), at=when)
    article_publish(article=article, at=when)  # saved again for the same moment: no second event
    run_worker()
    assert receiver.requests == []  # not due: the queue holds it until then
    assert WebhookEvent.objects.filter(status="waiting").count() == 2
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2, seconds=1))
    run_worker()
    assert sorted(receiver.events()) == ["article.published", "article.scheduled_went_live"]
    live = next(
        json.loads(r["body"])
        for r in receiver.requests
        if json.loads(r["body"])["event"] == "article.scheduled_went_live"
    )
    assert live["data"]["article"]["id"] == article.pk


def test_a_rescheduled_or_withdrawn_article_does_not_go_live_at_the_old_time(receiver, endpoint, monkeypatch):
    first, later = timezone.now() + timedelta(hours=1), timezone.now() + timedelta(hours=3)
    moved = article_publish(article=draft(title="改期"), at=first)
    article_publish(article=moved, at=later)
    withdrawn = article_publish(article=draft(title="撤下"), at=first)
    article_unpublish(article=withdrawn)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=1, minutes=1))
    run_worker()
    assert receiver.requests == []
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=3, minutes=1))
    run_worker()
    assert sorted(receiver.events()) == ["article.published", "article.scheduled_went_live"]
    assert {json.loads(r["body"])["data"]["article"]["id"] for r in receiver.requests} == {moved.pk}


def test_private_addresses_are_refused_unless_allowed(receiver, endpoint, settings):
    settings.ARTICLES_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    article_publish(article=draft())
    run_worker()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert "non-public" in delivery.last_error
