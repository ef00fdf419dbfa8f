"""Every URL pattern of the site (read from the URLconf, not listed by hand), requested with
hostile path segments and query values, answers without a 5xx: NUL and control characters,
huge and negative numbers, overlong strings, bad UTF-8 percent-encodings, path tricks."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.reader_site import reader_site  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

HOSTILE_SEGMENTS = [
    "%00",
    "a%00b",
    "%01",
    "-1",
    "0",
    "9" * 30,
    "99999999999999999999999999999999999999",
    "a" * 3000,
    "%ff%fe",
    "%c3%28",
    "%e2%82",
    "%2e%2e",
    "..%2f..%2fetc",
    "%3Cscript%3E",
    "'%20OR%201=1--",
    "%E4%BD%A0%E5%A5%BD",
    "9999",
]
HOSTILE_QUERIES = [
    "page=-1&p=-1&o=-99&limit=-5&offset=-1",
    "page=99999999999999999999999&p=99999999999999999999&limit=99999999999999999999&id=99999999999999999999",
    "page=%ff&q=%c3%28&cursor=%ff%fe&fields=%e2%82&ordering=%ff&include=%c3",
    "page=%00",
    "q=" + "x" * 5000 + "&cursor=" + "y" * 5000,
    "published_after=0001-01-01&published_before=9999-12-31T23:59:59%2B14:00&updated_after=-1",
    "cursor=eyJhIjoxfQ&ordering=-published_at&category=%00&tag=%ff&author=..&project=a/b",
    "_changelist_filters=%ff%00&status__exact=%ff&published_at__gte=0001-01-01&e=1",
    "next=javascript:alert(1)&key=%ff",
]
_CONVERTER = re.compile(r"<(?:[^>:]+:)?[^>]+>")
_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>[^()]*(?:\([^()]*\)[^()]*)*\)")


def _route_templates(patterns=None, prefix: str = "") -> list[str]:
    """Every pattern as a path with ``{}`` where a parameter goes."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    templates: list[str] = []
    for entry in patterns:
        text = str(entry.pattern)
        if text.startswith("^"):
            text = text[1:].rstrip("$").replace("\\Z", "")
            text = _NAMED_GROUP.sub("{}", text)
            text = text.replace("\\", "")
        else:
            text = _CONVERTER.sub("{}", text)
        if isinstance(entry, URLResolver):
            templates += _route_templates(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            templates.append(prefix + text)
    return sorted(set(templates))


def test_the_crawler_reads_the_whole_urlconf():
    templates = _route_templates()
    for expected in ["p/{}/", "tags/{}/", "archive/{}/{}/", "api/v1/articles/{}", "admin/two-factor/", "{}"]:
        assert expected in templates, expected
    assert len(templates) > 60


def _fill(template: str, value: str) -> str:
    return "/" + template.replace("{}", value)


def _requests() -> list[str]:
    urls: list[str] = []
    for template in _route_templates():
        if "{}" in template:
            urls += [_fill(template, segment) for segment in HOSTILE_SEGMENTS]
            base = _fill(template, "1")
        else:
            base = "/" + template
        urls += [f"{base}?{query}" for query in HOSTILE_QUERIES]
    return urls


@pytest.mark.parametrize("who", ["reader", "staff"])
def test_every_url_pattern_with_hostile_segments_and_queries_answers_without_a_5xx(
    reader_site,  # noqa: F811
    admin_user,
    who,
):
    client = Client(raise_request_exception=False)
    if who == "staff":
        client.force_login(admin_user)
    failures = []
    for url in _requests():
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url[:200], response.status_code))
    assert failures == [], "\n".join(f"{status} {url}" for url, status in failures)
