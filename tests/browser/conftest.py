"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's
live server. Chromium cannot be downloaded here; when it is missing these tests FAIL and say how
to install it (``.ci/run`` does)."""

from __future__ import annotations

import os
import re
import time

import pytest

from tests.chromium import chromium_browser

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Collect Content-Security-Policy violations and page errors in every page.
_WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.target && e.target.outerHTML || '').slice(0, 200) + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture(scope="session")
def chromium():
    with chromium_browser() as browser:
        yield browser


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def open_page(chromium, live_server):
    """``open_page(user=None)``: a fresh browser context (logged in as ``user`` when given)."""
    from django.conf import settings

    contexts = []

    def open_(user=None):
        context = chromium.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 1000}
        )
        context.set_default_timeout(20_000)
        # No traffic leaves the machine: remote images of imported posts are simply not loaded.
        context.route(re.compile(r"^(?!" + re.escape(live_server.url) + r")"), lambda route: route.abort())
        context.add_init_script(_WATCH_SCRIPT)
        in_flight = context.in_flight = set()
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        if user is not None:
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": _session_cookie(user),
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        _quiet(context)
        context.close()


def _quiet(context) -> None:
    """Let no request reach the live server after the test: an autosave sent as a page closes
    would otherwise land while the database is being emptied for the next test."""
    pages = [page for page in context.pages if not page.is_closed()]
    for page in pages:
        page.evaluate("() => window.mastheadAutosave ? window.mastheadAutosave.stop() : null")
    context.route("**/*", lambda route: route.abort())
    deadline = time.monotonic() + 5
    while context.in_flight and pages and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)


def wait_for_editor(page) -> None:
    """Wait until CKEditor 5 and Masthead's editor tools are ready."""
    page.wait_for_selector(".masthead-editor[data-ready='1']")


def editor_data(page) -> str:
    return page.evaluate("window.editors['id_body'].getData()")


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.click("input[name=_continue]")
