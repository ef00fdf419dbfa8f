"""Template helpers for article pages."""

from __future__ import annotations

import json
from datetime import datetime

from django import template
from django.conf import settings
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


# The site's header and footer, rendered once per everything they show (sections, site name
# and description, language, script prefix, year): every page has them, and a dozen
# translations and URL reversals each render would otherwise redo for the same HTML.
_CHROME: dict[tuple, SafeString] = {}
_CHROME_KEPT = 64


def _chrome(template_name: str, values: dict) -> SafeString:
    from django.template.loader import render_to_string
    from django.urls import get_script_prefix
    from django.utils import translation

    key = (template_name, translation.get_language(), get_script_prefix(), *values.items())
    html = _CHROME.get(key)
    if html is None:
        html = render_to_string(template_name, values)  # SafeString: autoescaped
        if len(_CHROME) >= _CHROME_KEPT:
            _CHROME.clear()
        _CHROME[key] = html
    return html


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """``_site_header.html``: the site's name, navigation (its sections' key declared into the
    page) and search box. With a query in the box (the search page) it is rendered anew."""
    from django.template.loader import render_to_string

    from articles.site.sections import nav_sections

    values = {
        "site_name": context.get("site_name", ""),
        "site_description": context.get("site_description", ""),
        "sections": tuple(nav_sections()),
    }
    if context.get("search_query"):
        return render_to_string("_site_header.html", {**values, "search_query": context["search_query"]})
    return _chrome("_site_header.html", values)


@register.simple_tag(takes_context=True)
def site_footer(context) -> SafeString:
    """``_site_footer.html``: the year, the site's name, its feeds and sitemap."""
    from django.template.defaultfilters import date

    tzinfo = timezone.get_current_timezone() if settings.USE_TZ else None
    year = date(datetime.now(tz=tzinfo), "Y")  # as {% now "Y" %} does
    return _chrome("_site_footer.html", {"site_name": context.get("site_name", ""), "year": year})


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
