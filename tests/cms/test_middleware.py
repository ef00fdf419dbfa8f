"""A database outage answers 503 with Retry-After; a failing query stays a real error."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError
from django.test import RequestFactory

from cms.middleware import DatabaseUnavailableMiddleware


def _raised_by_django(cause: Exception) -> OperationalError:
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.OperationalError("connection failed: Connection refused"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
    ],
    ids=["refused", "shutting-down", "starting-up"],
)
def test_an_unreachable_database_answers_503_with_retry_after(cause):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get("/"), _raised_by_django(cause))
    assert response.status_code == 503
    assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
    assert "数据库暂时无法连接" in response.content.decode()


def test_a_query_that_fails_on_a_working_database_is_not_hidden():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    cancelled = _raised_by_django(
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout")
    )
    assert middleware.process_exception(RequestFactory().get("/"), cancelled) is None
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None
