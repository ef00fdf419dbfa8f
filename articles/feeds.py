"""RSS 2.0 and Atom feeds (django.contrib.syndication), site-wide and per category, author
and project. Items carry the full cleaned body (``content:encoded`` in RSS, ``content`` in
Atom), the excerpt as summary, the writers as author and the categories and tags."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from articles import selectors
from articles.jsonld import absolute_url
from articles.models import Article, Credit

# Root-relative links and images in a body (uploads under /media/, links to other articles)
# are made absolute: a feed reader does not know which site an entry came from.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str) -> str:
    return _ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{settings.MASTHEAD_SITE_URL}/", html)


class FullContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the article body in ``content:encoded``."""

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullContentAtomFeed(Atom1Feed):
    """Atom with the article body as ``<content type="html">``."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site."""

    feed_type = FullContentRssFeed
    language = "zh-cn"

    def title(self, obj=None) -> str:
        return settings.MASTHEAD_SITE_NAME

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
        return self.articles(obj)[: settings.ARTICLES_FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.excerpt

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"content": absolute_links(item.body)}

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str | None:
        writers = [c.author.name for c in item.credits.all() if c.role == Credit.Role.WRITER]
        return "、".join(writers) or item.source or None

    def item_categories(self, item: Article) -> list[str]:
        names = [c.name for c in item.categories.all()] + [t.name for t in item.tags.all()]
        return list(dict.fromkeys(names))

    def item_guid(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid_is_permalink(self, item: Article) -> bool:
        return True


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullContentAtomFeed


class _OwnedFeed(LatestArticlesFeed):
    """The articles of one category, author or project (``obj``)."""

    def title(self, obj=None) -> str:
        return _("%(site)s：%(name)s") % {"site": settings.MASTHEAD_SITE_NAME, "name": obj}

    def link(self, obj=None) -> str:
        return obj.get_absolute_url()


class CategoryFeed(_OwnedFeed):
    def get_object(self, request, slug: str):
        return selectors.category_get(slug=slug)

    def description(self, obj=None) -> str:
        return _("%(name)s 分类下的最新文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.category_articles(category=obj, with_body=True)


class CategoryAtomFeed(CategoryFeed):
    feed_type = FullContentAtomFeed


class AuthorFeed(_OwnedFeed):
    def get_object(self, request, slug: str):
        return selectors.author_get(slug=slug)

    def description(self, obj=None) -> str:
        return obj.bio or _("%(name)s 的文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.author_articles(author=obj, with_body=True)


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullContentAtomFeed


class ProjectFeed(_OwnedFeed):
    def get_object(self, request, external_id: str):
        return selectors.project_get(external_id=external_id)

    def description(self, obj=None) -> str:
        return _("提及 %(name)s 的文章") % {"name": obj.name}

    def articles(self, obj):
        return selectors.project_articles(project=obj, with_body=True)


class ProjectAtomFeed(ProjectFeed):
    feed_type = FullContentAtomFeed
