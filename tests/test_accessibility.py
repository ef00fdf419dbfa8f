"""Every reader page type has no serious or critical axe-core violations in headless chromium,
at desktop and phone widths, and reads without JavaScript.

Chromium (Debian's /usr/bin/chromium, driven by Playwright) loads pages rendered beforehand by
the Django test client and handed over through a request route: the pages see the test
database (inside its transaction) and no server runs. Rendering happens before the browser
starts, because code running under Playwright's event loop gets its own database connection,
which cannot see the test's transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client

from tests.chromium import chromium_browser
from tests.reader_site import reader_pages

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

REPO_ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
BLOCKING_IMPACTS = ("serious", "critical")


@contextmanager
def chromium():
    """Headless chromium; fails (never skips) when chromium or axe-core is missing.

    Used only after the pages are rendered: no database work may happen while Playwright's
    event loop runs, or Django opens connections in another context that outlive the test
    (PostgreSQL then refuses to drop the test database)."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT.relative_to(REPO_ROOT)} is missing: run `make node` (npm ci) first.")
    with chromium_browser() as browser:
        yield browser


STATIC_ASSETS = ["/static/css/site.css", "/static/img/logo.png", "/static/js/share.js"]


def render_all(client: Client, paths: list[str]) -> dict[str, tuple[int, str, bytes]]:
    """``{path: (status, content type, body)}`` for ``paths`` and the site's static assets."""
    rendered = {}
    for path in [*paths, *STATIC_ASSETS]:
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rendered[unquote(path)] = (response.status_code, response["Content-Type"], content)
    return rendered


def open_page(browser, rendered: dict, *, viewport: dict, javascript: bool = True):
    """A page whose requests to http://testserver are answered from ``rendered``; everything
    else (remote images) is refused, as there is no network."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript, locale="zh-CN")

    def serve(route, request):
        url = urlsplit(request.url)
        # Query strings too (the search page's ?q= in Chinese) are matched unquoted.
        path = unquote(url.path + (f"?{url.query}" if url.query else ""))
        if url.netloc != "testserver" or path not in rendered:
            return route.abort()
        status, content_type, body = rendered[path]
        return route.fulfill(status=status, headers={"content-type": content_type}, body=body)

    context.route("**/*", serve)
    return context, context.new_page()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} -> {[node['target'] for node in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reader_pages_have_no_serious_or_critical_axe_violations(client, reader_site, settings, viewport):
    settings.ARTICLES_PAGE_SIZE = 2
    pages = reader_pages(reader_site)
    rendered = render_all(client, list(pages.values()))
    problems = {}
    with chromium() as browser:
        _context, page = open_page(browser, rendered, viewport=VIEWPORTS[viewport])
        for name, url in pages.items():
            page.goto(f"http://testserver{url}")
            assert page.title(), name
            blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
            if blocking:
                problems[name] = describe(blocking)
    assert problems == {}, "\n".join(f"{name}:\n{text}" for name, text in problems.items())


def test_axe_check_does_catch_violations():
    # Guards the check itself: a page with an unlabelled image link must be reported.
    with chromium() as browser:
        _context, page = open_page(browser, {}, viewport=VIEWPORTS["desktop"])
        page.set_content('<html lang="zh-CN"><body><a href="/"><img src="x.png"></a></body></html>')
        assert any(v["id"] in {"link-name", "image-alt"} for v in axe_violations(page))


def test_articles_read_without_javascript(client, reader_site):
    url = reader_site.imported.get_absolute_url()
    rendered = render_all(client, [url])
    with chromium() as browser:
        _context, page = open_page(browser, rendered, viewport=VIEWPORTS["phone"], javascript=False)
        page.goto(f"http://testserver{url}")
        assert page.locator("h1.article-title").is_visible()
        assert "年收入增长超过一倍" in page.locator(".article-body").inner_text()
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.evaluate("document.styleSheets.length") == 1  # the stylesheet loaded
