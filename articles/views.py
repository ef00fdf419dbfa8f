"""Reader pages. Views parse the request, call selectors and render; nothing else.

URLs wrap every reader view in ``articles.page_cache.reader_page`` (the anonymous full-page
cache); this module knows nothing about caching.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from articles import selectors
from articles.caching import fragments, keys
from articles.jsonld import article_jsonld, breadcrumbs_jsonld
from articles.models import Article
from articles.pagination import DeepPaginator
from articles.seo import FeedLink, article_meta, list_meta
from articles.site.front_page import front_lead_pk, front_page


class ArticleListView(ListView):
    """A paginated list of published articles (the base of the home, owner and archive lists)."""

    context_object_name = "articles"
    paginator_class = DeepPaginator
    allow_empty = True

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PAGE_SIZE

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # The path names the list (its count is cached under it).
        return DeepPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_name=f"{type(self).__name__}:{self.request.path}",
            ids=self.page_ids(),
            **kwargs,
        )

    def get_template_names(self) -> list[str]:
        # Every list names its template. ListView's fallback would ask the list for its model,
        # building a lazy list's query (home, owner pages) even when every card is cached.
        return [self.template_name]

    def page_ids(self):
        """``ids(bottom, top)``: a compiled read of the page's ids (``selectors``), if any."""
        return None

    def get_queryset(self):
        return selectors.article_list_published()

    def page_title(self) -> str:
        return settings.MASTHEAD_SITE_NAME

    def page_description(self) -> str:
        return settings.MASTHEAD_SITE_DESCRIPTION

    def page_feed(self) -> FeedLink | None:
        return None

    def declare_keys(self) -> None:
        """The surrogate keys of the page (its cards declare their own)."""
        keys.declare_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.declare_keys()
        page = context["page_obj"]
        context["meta"] = list_meta(
            title=self.page_title(),
            description=self.page_description(),
            path=self.request.path,
            page=page.number if page else 1,
            feed=self.page_feed(),
        )
        return context


def _home_flashes() -> list[Article]:
    """The sidebar's newest 快讯 (one query), their keys declared."""
    flashes = list(selectors.flash_list_published(with_body=False)[: settings.ARTICLES_HOME_FLASH_COUNT])
    keys.declare_objects(*flashes)
    keys.declare_list()
    return flashes


class HomeView(ArticleListView):
    """The front page: the editors' lead and featured stories and the section blocks on page
    one (``articles.site.front_page``), then the latest stories but the lead, paginated.

    The top of page one and its 快讯 sidebar are cached fragments (``home.html``), read from the
    database only when not cached; when the top is, only the lead's id is read (one or two
    small queries: the latest list leaves the lead out)."""

    template_name = "articles/home.html"

    def get_queryset(self):
        self.first_page = self.request.GET.get("page", "1") in ("1", "")
        self.front, self.front_keys, self.front_expiries = None, set(), []
        # The sidebar's 快讯 fragment is read ahead with the top (one cache read for both).
        cached = fragments.prefetch(["front-page", "home-flashes"]) if self.first_page else set()
        if self.first_page and "front-page" not in cached:
            # The fragment will be rendered: read it all now, and give it what it declared.
            with keys.collecting() as self.front_keys, keys.expiring() as self.front_expiries:
                self.front = front_page()
            lead_pk = self.front.lead.article.pk if self.front.lead else None
        else:
            lead_pk = front_lead_pk()
        self.count_suffix, self.lead_pk = str(lead_pk), lead_pk
        # Built only if needed (a count not cached, cards not cached): the ids are a prepared read.
        return SimpleLazyObject(lambda: selectors.story_list_published().exclude(pk=lead_pk))

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # The count depends on the stories shown at the top, which the latest list leaves out.
        return DeepPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_name=f"{type(self).__name__}:{self.request.path}:{self.count_suffix}",
            ids=lambda bottom, top: selectors.story_ids(bottom=bottom, top=top, exclude=self.lead_pk),
            **kwargs,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            first_page=self.first_page,
            front=self.front,
            front_keys=self.front_keys,
            front_expiries=self.front_expiries,
            flashes=SimpleLazyObject(_home_flashes) if self.first_page else [],
            **kwargs,
        )


class FlashListView(ArticleListView):
    """``/flash/``: the 快讯 stream, newest first, each with its time and its few sentences."""

    template_name = "articles/flash_list.html"

    def get_queryset(self):
        return selectors.flash_list_published()

    def page_title(self) -> str:
        return _("快讯")

    def page_description(self) -> str:
        return _("%(site)s 7×24 小时快讯") % {"site": settings.MASTHEAD_SITE_NAME}

    def page_feed(self) -> FeedLink | None:
        return FeedLink(
            title=f"{settings.MASTHEAD_SITE_NAME}：{_('快讯')}",
            rss=reverse("articles:flash_feed"),
            atom=reverse("articles:flash_atom"),
        )


class _ArticlePage:
    """What an article page shows, read from the database only when a fragment of the page is
    not cached (the template's ``{% fragment %}`` blocks resolve these values only on a miss)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk

    @cached_property
    def article(self):
        return selectors.article_get_published(pk=self.pk)

    @cached_property
    def categories(self) -> list:
        return selectors.article_categories(article=self.article)

    @cached_property
    def tags(self) -> list:
        return selectors.article_tags(article=self.article)

    @cached_property
    def projects(self) -> list:
        return selectors.article_projects(article=self.article)

    @cached_property
    def related(self) -> list:
        return selectors.article_related(article=self.article, limit=settings.ARTICLES_RELATED_COUNT)

    @cached_property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        crumbs = [(_("首页"), reverse("articles:home"))]
        if self.categories:
            crumbs.append((self.categories[0].name, self.categories[0].get_absolute_url()))
        crumbs.append((self.article.title, self.article.get_absolute_url()))
        return crumbs

    def keys(self) -> list[str]:
        """The article and every category, tag, author and project its page names."""
        article = self.article
        shown = [article, *self.categories, *self.tags, *self.projects]
        shown += [credit.author for credit in article.credits.all()]
        return [keys.object_key(obj) for obj in shown]

    def related_keys(self) -> list[str]:
        return [keys.object_key(item) for item in self.related]


class ArticleDetailView(TemplateView):
    """An article page. Everything but "is it public?" is lazy: see ``_ArticlePage``."""

    template_name = "articles/article_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk = self.kwargs["pk"]
        page = _ArticlePage(pk)
        # The template's fragments, read ahead in one go. A fresh "article" fragment proves the
        # article is still public: it was rendered when it was, and anything that could hide it
        # (unpublishing, deleting) purges its key. Otherwise the article is read (404 if it is
        # not public). Drafts are previewed in the admin (admin:articles_article_preview),
        # which checks who may see which draft.
        cached = fragments.prefetch([f"article-head:{pk}", f"article:{pk}", f"related:{pk}"])
        if f"article:{pk}" not in cached:
            page.article  # noqa: B018 (raises Http404)
        keys.declare(keys.key_for(Article, pk))
        context.update(
            article_pk=pk,
            article=SimpleLazyObject(lambda: page.article),
            categories=SimpleLazyObject(lambda: page.categories),
            tags=SimpleLazyObject(lambda: page.tags),
            projects=SimpleLazyObject(lambda: page.projects),
            related=SimpleLazyObject(lambda: page.related),
            breadcrumbs=SimpleLazyObject(lambda: page.breadcrumbs),
            jsonld=SimpleLazyObject(
                lambda: [article_jsonld(page.article), breadcrumbs_jsonld(page.breadcrumbs)]
            ),
            meta=SimpleLazyObject(lambda: article_meta(page.article)),
            article_keys=SimpleLazyObject(page.keys),
            related_keys=SimpleLazyObject(page.related_keys),
            # New articles join a related box within this time (its own articles' changes
            # empty it at once).
            related_seconds=settings.ARTICLES_PAGE_CACHE_SECONDS or None,
        )
        return context


class _OwnedListView(ArticleListView):
    """A list of the articles belonging to one object (category, tag, author, project)."""

    template_name: str
    context_owner_name: str
    feed_route: str | None = None

    def get_owner(self):
        raise NotImplementedError

    def owner_articles(self, owner):
        raise NotImplementedError

    def get_queryset(self):
        self.owner = self.get_owner()
        # Built only if needed (a count not cached, cards not cached): the ids are a prepared read.
        return SimpleLazyObject(lambda: self.owner_articles(self.owner))

    def page_title(self) -> str:
        return str(self.owner)

    def page_feed(self) -> FeedLink | None:
        if not self.feed_route:
            return None
        kwargs = dict(self.kwargs)
        return FeedLink(
            title=f"{settings.MASTHEAD_SITE_NAME}：{self.owner}",
            rss=reverse(f"articles:{self.feed_route}_feed", kwargs=kwargs),
            atom=reverse(f"articles:{self.feed_route}_atom", kwargs=kwargs),
        )

    def declare_keys(self) -> None:
        keys.declare_objects(self.owner)
        keys.declare_list(self.owner)

    def page_ids(self):
        return lambda bottom, top: selectors.owner_article_ids(owner=self.owner, bottom=bottom, top=top)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.context_owner_name: self.owner, **kwargs})


class CategoryView(_OwnedListView):
    template_name = "articles/category.html"
    context_owner_name = "category"
    feed_route = "category"

    def get_owner(self):
        return selectors.category_get_published(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.category_articles(category=owner)

    def page_description(self) -> str:
        return _("%(name)s 分类下的最新文章") % {"name": self.owner.name}


class TagView(_OwnedListView):
    template_name = "articles/tag.html"
    context_owner_name = "tag"

    def get_owner(self):
        return selectors.tag_get_published(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.tag_articles(tag=owner)

    def page_description(self) -> str:
        return _("标签 %(name)s 下的文章") % {"name": self.owner.name}


class AuthorView(_OwnedListView):
    template_name = "articles/author.html"
    context_owner_name = "author"
    feed_route = "author"

    def get_owner(self):
        return selectors.author_get_published(slug=self.kwargs["slug"])

    def owner_articles(self, owner):
        return selectors.author_articles(author=owner)

    def page_description(self) -> str:
        return self.owner.bio or _("%(name)s 的文章") % {"name": self.owner.name}


class ProjectView(_OwnedListView):
    template_name = "articles/project.html"
    context_owner_name = "project"
    feed_route = "project"

    def get_owner(self):
        return selectors.project_get_published(external_id=self.kwargs["external_id"])

    def owner_articles(self, owner):
        return selectors.project_articles(project=owner)

    def page_description(self) -> str:
        return _("提及 %(name)s 的文章") % {"name": self.owner.name}


@require_safe
def robots_txt(request) -> HttpResponse:
    """``robots.txt``: everything but the admin may be crawled; the sitemaps are listed."""
    site_url = settings.MASTHEAD_SITE_URL
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /ckeditor5/",
        "Allow: /",
        "",
        f"Sitemap: {site_url}{reverse('articles:sitemap_index')}",
        f"Sitemap: {site_url}{reverse('articles:sitemap_section', kwargs={'section': 'news'})}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
