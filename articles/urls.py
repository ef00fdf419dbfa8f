"""Reader-side URLs. Every page, feed and sitemap goes through the anonymous page cache
(``reader_page``); views declare the surrogate keys of what they show (``articles.caching.keys``)
or name fixed ones here."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from articles import feeds, views, views_beacon, views_search
from articles.caching import keys
from articles.page_cache import reader_page
from articles.search import SEARCH_KEY
from articles.site import archive
from articles.sitemaps import SITEMAPS

app_name = "articles"

_SITEMAP_TEMPLATE = "sitemaps/sitemap.xml"

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("p/<int:pk>/", reader_page(views.ArticleDetailView.as_view()), name="detail"),
    # Not a page: never cached, counts a view (articles.site.most_read).
    path("p/<int:pk>/view.gif", views_beacon.view_beacon, name="view_beacon"),
    path("p/<int:pk>/qr.svg", reader_page(views_beacon.share_qr), name="share_qr"),
    path("categories/<str:slug>/", reader_page(views.CategoryView.as_view()), name="category"),
    path("categories/<str:slug>/feed/", reader_page(feeds.CategoryFeed()), name="category_feed"),
    path("categories/<str:slug>/feed/atom/", reader_page(feeds.CategoryAtomFeed()), name="category_atom"),
    path("tags/<str:slug>/", reader_page(views.TagView.as_view()), name="tag"),
    path("authors/<str:slug>/", reader_page(views.AuthorView.as_view()), name="author"),
    path("authors/<str:slug>/feed/", reader_page(feeds.AuthorFeed()), name="author_feed"),
    path("authors/<str:slug>/feed/atom/", reader_page(feeds.AuthorAtomFeed()), name="author_atom"),
    path("projects/<str:external_id>/", reader_page(views.ProjectView.as_view()), name="project"),
    path("projects/<str:external_id>/feed/", reader_page(feeds.ProjectFeed()), name="project_feed"),
    path("projects/<str:external_id>/feed/atom/", reader_page(feeds.ProjectAtomFeed()), name="project_atom"),
    path("flash/", reader_page(views.FlashListView.as_view()), name="flashes"),
    path("flash/feed/", reader_page(feeds.FlashFeed()), name="flash_feed"),
    path("flash/feed/atom/", reader_page(feeds.FlashAtomFeed()), name="flash_atom"),
    path("archive/", reader_page(archive.ArchiveIndexView.as_view()), name="archive"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        reader_page(archive.ArchiveMonthView.as_view()),
        name="archive_month",
    ),
    path(
        "search/",
        reader_page(
            views_search.search_page, query=views_search.PARAMETERS, keys=[keys.ARTICLES, SEARCH_KEY]
        ),
        name="search",
    ),
    path("feed/", reader_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestArticlesAtomFeed()), name="atom"),
    path(
        "sitemap.xml",
        reader_page(sitemap_views.index, keys=[keys.SITEMAPS]),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        reader_page(sitemap_views.sitemap, keys=[keys.SITEMAPS]),
        {"sitemaps": SITEMAPS, "template_name": _SITEMAP_TEMPLATE},
        name="sitemap_section",
    ),
    path("robots.txt", reader_page(views.robots_txt, keys=[keys.ALL]), name="robots"),
]
