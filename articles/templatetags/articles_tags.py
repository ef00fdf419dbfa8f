"""Template helpers for article pages."""

from __future__ import annotations

import json

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.text import character_count as _character_count
from articles.text import reading_minutes

register = template.Library()

# The same escapes Django's json_script uses, so JSON can sit inside <script> safely.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data: dict) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``; HTML-significant characters
    are \\u-escaped so the JSON cannot close the element."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # escaped JSON, not HTML
    )


@register.filter
def article_body(body: str) -> SafeString:
    """Mark an article body safe for output.

    Bodies are stored clean: every write path (``articles.services.articles.article_save``)
    passes them through ``articles.sanitize.clean_html`` before they reach the database.
    """
    return mark_safe(body)  # cleaned at write time by the one allowlist


@register.filter
def reading_time(body: str) -> int:
    """Minutes to read a body, counted in characters for CJK text."""
    return reading_minutes(body)


@register.filter
def character_count(body: str) -> int:
    """Length of a body in characters (CJK) and words (Latin), as Chinese sites count it."""
    return _character_count(body)


@register.filter
def iso_datetime(value) -> str:
    """ISO 8601 in the site's time zone, to the second (``2022-03-18T09:23:51+08:00``): valid
    for ``<time datetime>``, which allows at most three fractional digits."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.simple_tag
def site_sections() -> list:
    """The site's sections for the header navigation (``articles.site.sections``; cached)."""
    from articles.site.sections import nav_sections

    return nav_sections()


# The header's navigation items, rendered once per sections, language and script prefix: every
# page shows them twice (wide and menu), and they depend on nothing else.
_NAV_ITEMS: dict[tuple, SafeString] = {}
_NAV_ITEMS_KEPT = 32


@register.simple_tag
def site_nav_items() -> SafeString:
    """``_nav_items.html`` for the site's sections (``articles.site.sections``; their key is
    declared into the page, as ``site_sections`` does)."""
    from django.template.loader import render_to_string
    from django.urls import get_script_prefix
    from django.utils import translation

    from articles.site.sections import nav_sections

    sections = tuple(nav_sections())
    key = (translation.get_language(), get_script_prefix(), sections)
    html = _NAV_ITEMS.get(key)
    if html is None:
        html = render_to_string("_nav_items.html", {"sections": sections})  # SafeString: autoescaped
        if len(_NAV_ITEMS) >= _NAV_ITEMS_KEPT:
            _NAV_ITEMS.clear()
        _NAV_ITEMS[key] = html
    return html


@register.inclusion_tag("articles/_most_read.html")
def most_read_box(heading_id: str = "most-read-title") -> dict:
    """The "24 小时最热" list (``articles.site.most_read``; cached)."""
    from articles.site.most_read import most_read

    return {"articles": most_read(hours=24), "heading_id": heading_id}


@register.simple_tag
def share_links(article) -> dict[str, str]:
    """``{"url": the article's absolute address, "weibo": Weibo's share dialog for it}``."""
    from articles.jsonld import absolute_url
    from articles.site.sharing import weibo_share_url

    url = absolute_url(article.get_absolute_url())
    return {"url": url, "weibo": weibo_share_url(url=url, title=article.title)}
