"""RSS 2.0 and Atom feeds (django.contrib.syndication), site-wide and per category, author
and project. Items carry the full cleaned body (``content:encoded`` in RSS, ``content`` in
Atom), the excerpt as summary, the writers as author and the categories and tags.

What each field carries: feed readers render RSS ``description`` and ``content:encoded`` and
Atom ``summary``/``content`` of ``type="html"`` as HTML, so those carry only HTML that went
through the one allowlist (``clean_html``, again at render time: a body stored before a rule
was added is cleaned by the rule too) or plain text escaped as HTML (the excerpt, the channel
description). RSS titles are escaped the same way (readers render them as HTML when they look
like it); Atom titles, author names and categories are plain text, written as XML text.

Each item's XML is a cached fragment (``articles.caching.fragments``) keyed on the article,
its authors, categories and tags: a feed whose items are cached reads only their ids from the
database. The feed declares the list it shows (surrogate keys) for the page cache and CDNs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from io import StringIO

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.templatetags.static import static
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet, SyndicationFeed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from articles import selectors
from articles.caching import keys
from articles.caching.fragments import fragments_get, fragments_set
from articles.jsonld import absolute_url
from articles.models import Article, Credit
from articles.sanitize import clean_html

# Root-relative links and images in a body (uploads under /media/, links to other articles)
# are made absolute: a feed reader does not know which site an entry came from.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str) -> str:
    return _ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{settings.MASTHEAD_SITE_URL}/", html)


class _CachedItems:
    """Items written as ready-made XML (``write_items``), with their dates for the feed's own
    last-update element."""

    item_element = "item"

    def set_cached_items(self, items: list[tuple[str, datetime | None]]) -> None:
        self.cached_items = items

    def write_items(self, handler) -> None:
        cached = getattr(self, "cached_items", None)
        if cached is None:
            return super().write_items(handler)
        for xml, _date in cached:
            handler.ignorableWhitespace(xml)  # written as is: made by the same generator

    def latest_post_date(self):
        cached = getattr(self, "cached_items", None)
        if cached is None:
            return super().latest_post_date()
        dates = [date for _xml, date in cached if date is not None]
        return max(dates) if dates else SyndicationFeed.latest_post_date(self)

    def item_xml(self, item: dict) -> str:
        """One item as XML, exactly as ``write_items`` would write it."""
        out = StringIO()
        handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
        handler.startElement(self.item_element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.item_element)
        return out.getvalue()


def html_from_text(text: str) -> str:
    """Plain ``text`` as HTML that shows it as it is (for HTML-typed feed fields)."""
    return escape(text or "")


class FullContentRssFeed(_CachedItems, Rss201rev2Feed):
    """RSS 2.0 with the article body in ``content:encoded``.

    RSS does not say whether ``title`` and ``description`` are text or HTML, and readers (and
    feedparser) render them as HTML when they look like it: the plain text given for them is
    escaped, so ``<script>`` in a title or a category's name reads as text everywhere.
    """

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_root_elements(self, handler) -> None:
        with _escaped(self.feed, "title", "description"):
            super().add_root_elements(handler)

    def add_item_elements(self, handler, item) -> None:
        with _escaped(item, "title"):
            super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


@contextmanager
def _escaped(values: dict, *names: str) -> Iterator[None]:
    """``values[name]`` as HTML showing the plain text, while a generator writes them."""
    plain = {name: values[name] for name in names}
    values.update({name: html_from_text(text) for name, text in plain.items() if text})
    try:
        yield
    finally:
        values.update(plain)


class FullContentAtomFeed(_CachedItems, Atom1Feed):
    """Atom with the article body as ``<content type="html">``."""

    item_element = "entry"

    def write(self, outfile, encoding) -> None:
        # Atom1Feed.write with the stylesheets Django's RSS feed writes (it skips them for Atom).
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


# The rows a feed renders items for in this request (the ones whose XML is not cached).
_rows_to_render: ContextVar[list | None] = ContextVar("masthead_feed_rows", default=None)


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site."""

    feed_type = FullContentRssFeed
    language = "zh-cn"

    def title(self, obj=None) -> str:
        return settings.MASTHEAD_SITE_NAME

    def stylesheets(self, obj=None) -> list[Stylesheet]:
        """An ``xml-stylesheet`` instruction: a browser shows the feed as a page
        (``static/feeds/feed.xsl``) instead of raw XML; feed readers ignore it."""
        return [Stylesheet(static("feeds/feed.xsl"), mimetype="text/xsl")]

    def link(self, obj=None) -> str:
        return "/"

    def description(self, obj=None) -> str:
        return settings.MASTHEAD_SITE_DESCRIPTION

    def subtitle(self, obj=None) -> str:
        return self.description(obj)

    def feed_copyright(self, obj=None) -> str:
        return f"© {settings.MASTHEAD_PUBLISHER_NAME}"

    def articles(self, obj):
        return selectors.article_list_for_feed()

    def items(self, obj=None):
        rows = _rows_to_render.get()
        return rows if rows is not None else self.articles(obj)[: settings.ARTICLES_FEED_SIZE]

    def declare_keys(self, obj) -> None:
        """The surrogate keys of the feed itself (its items declare their own)."""
        keys.declare_list()

    def get_feed(self, obj, request):
        """The feed, with each item's XML from the fragment cache when it is there: only the
        articles whose item is not cached are read in full and rendered."""
        self.declare_keys(obj)
        pks = list(self.articles(obj).values_list("pk", flat=True)[: settings.ARTICLES_FEED_SIZE])
        kind = self.feed_type.__name__
        names = {pk: f"feed-item:{kind}:{pk}" for pk in pks}
        cached = fragments_get(list(names.values()))
        missing = [pk for pk in pks if names[pk] not in cached]
        rows = list(self.articles(obj).filter(pk__in=missing)) if missing else []
        token = _rows_to_render.set(rows)
        try:
            feed = super().get_feed(obj, request)
        finally:
            _rows_to_render.reset(token)
        rendered = {}
        for row, item in zip(rows, feed.items, strict=True):
            item_date = item["updateddate"] or item["pubdate"]
            rendered[names[row.pk]] = ((feed.item_xml(item), item_date), self.item_keys(row))
        fragments_set(rendered)
        for name, (value, shown) in rendered.items():
            keys.declare_many(shown)
            cached[name] = value
        feed.set_cached_items([cached[names[pk]] for pk in pks if names[pk] in cached])
        return feed

    def item_keys(self, item: Article) -> set[str]:
        shown = [
            item,
            *(c.author for c in item.credits.all()),
            *selectors.article_categories(article=item),
            *selectors.article_tags(article=item),
        ]
        return {keys.object_key(obj) for obj in shown}

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # RSS description and Atom summary type="html" are HTML: the plain excerpt, escaped.
        return html_from_text(item.excerpt)

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"content": absolute_links(clean_html(item.body))}

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str | None:
        writers = [c.author.name for c in item.credits.all() if c.role == Credit.Role.WRITER]
        return "、".join(writers) or item.source or None

    def item_categories(self, item: Article) -> list[str]:
        names = [c.name for c in selectors.article_categories(article=item)]
        names += [t.name for t in selectors.article_tags(article=item)]
        return list(dict.fromkeys(names))

    def item_guid(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid_is_permalink(self, item: Article) -> bool:
        return True


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullContentAtomFeed


class FlashFeed(LatestArticlesFeed):
    """The newest 快讯."""

    def title(self, obj=None) -> str:
        return _("%(site)s：快讯") % {"site": settings.MASTHEAD_SITE_NAME}

    def link(self, obj=None) -> str:
        return "/flash/"

    def articles(self, obj):
        return selectors.flash_list_for_feed()


class FlashAtomFeed(FlashFeed):
    feed_type = FullContentAtomFeed


class _OwnedFeed(LatestArticlesFeed):
    """The articles of one category, author or project (``obj``)."""

    def title(self, obj=None) -> str:
        return _("%(site)s：%(name)s") % {"site": settings.MASTHEAD_SITE_NAME, "name": obj}

    def link(self, obj=None) -> str:
        return obj.get_absolute_url()

    def declare_keys(self, obj) -> None:
        keys.declare_objects(obj)
        keys.declare_list(obj)


class CategoryFeed(_OwnedFeed):
    def get_object(self, request, slug: str):
        return selectors.category_get_published(slug=slug)

    def description(self, obj=None) -> str:
        return _("%(name)s 分类下的最新文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.category_articles(category=obj, with_body=True)


class CategoryAtomFeed(CategoryFeed):
    feed_type = FullContentAtomFeed


class AuthorFeed(_OwnedFeed):
    def get_object(self, request, slug: str):
        return selectors.author_get_published(slug=slug)

    def description(self, obj=None) -> str:
        return obj.bio or _("%(name)s 的文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.author_articles(author=obj, with_body=True)


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullContentAtomFeed


class ProjectFeed(_OwnedFeed):
    def get_object(self, request, external_id: str):
        return selectors.project_get_published(external_id=external_id)

    def description(self, obj=None) -> str:
        return _("提及 %(name)s 的文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.project_articles(project=obj, with_body=True)


class ProjectAtomFeed(ProjectFeed):
    feed_type = FullContentAtomFeed
