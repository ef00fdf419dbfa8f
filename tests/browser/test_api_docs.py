"""The API's interactive docs work under the site's strict CSP (assets served locally)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_interactive_docs_render_every_endpoint_without_csp_violations(open_page):
    page = open_page()
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Masthead API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path")
    paths = {
        element.inner_text().replace("\u200b", "")
        for element in page.query_selector_all(".opblock-summary-path")
    }
    assert {"/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/admin/articles"} <= paths
    assert page.query_selector(".btn.authorize") is not None  # keys and tokens can be tried out
    assert csp_violations(page) == []
    assert page.errors == []
