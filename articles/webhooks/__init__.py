"""Webhooks: editors register endpoints (admin); article changes become events; a background
worker (Django's tasks framework, ``django_tasks_db``'s database backend, ``manage.py
db_worker``) delivers them, signed, retried with backoff, logged.

- ``models``: WebhookEndpoint, WebhookEvent, WebhookDelivery, WebhookAttempt.
- ``events``: which events a save or a deletion makes (called by ``article_save`` and a
  ``post_delete`` handler), recorded in the saving transaction and enqueued on commit.
- ``payloads``: the JSON body of each event (the content API's article representation).
- ``signing``: ``X-Masthead-Signature: t=<unix time>,v1=<HMAC-SHA256 hex>`` and its check.
- ``delivery``: one HTTP attempt, its log, and the retry schedule.
- ``tasks``: the two background tasks (dispatch an event, attempt a delivery).

This package imports nothing at import time: ``articles.models`` imports ``articles.webhooks.models``.
"""
