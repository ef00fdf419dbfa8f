"""Benchmark: reader pages over a large archive (``make bench``). Prints figures; asserts nothing.

Fills a database with BENCH_ARTICLES published articles (100,000 by default; reused when it
already holds them), then times page 2,000 of the home list with Django's default paginator
and with ``articles.pagination.DeepPaginator``, the whole ``/?page=2000`` request (rendered,
then from the page cache, then revalidated with ``If-None-Match``), an article page with its
related articles, and the article sitemap.

The database is ``DATABASE_URL`` when set (e.g. postgres://postgres@127.0.0.1:5432/masthead_bench;
the bench creates its tables there), else a SQLite file under /tmp. Never point it at a
database you care about.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'masthead-bench.sqlite3'}")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Author, CategorizedArticle, Category, Credit  # noqa: E402
from articles.pagination import DeepPaginator  # noqa: E402
from articles.selectors import article_list_published  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
PAGE = int(os.environ.get("BENCH_PAGE", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
BATCH = 2000


def fill() -> None:
    """Create the articles once (bulk, no signals); a second run reuses them."""
    call_command("migrate", verbosity=0)
    have = Article.objects.count()
    if have >= ARTICLES:
        print(f"database: {connection.vendor}, reusing {have:,} articles")
        return
    print(f"database: {connection.vendor}, creating {ARTICLES - have:,} articles ...", flush=True)
    started = time.perf_counter()
    categories = [
        Category.objects.get_or_create(name=name)[0] for name in ("新媒体", "36kr", "资讯", "快讯", "汽车")
    ]
    authors = [Author.objects.get_or_create(name=f"作者{n}", slug=f"bench-author-{n}")[0] for n in range(200)]
    now = timezone.now()
    for start in range(have, ARTICLES, BATCH):
        batch = [
            Article(
                title=f"第 {n} 篇：边缘计算公司完成新一轮融资",
                body="<p>" + "正文内容，" * 300 + "</p>",
                excerpt="边缘计算公司完成新一轮融资，本轮资金将用于节点建设。",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=10 * n + 1),
                head_image_url="https://img.example.com/head.jpg",
            )
            for n in range(start, min(start + BATCH, ARTICLES))
        ]
        created = Article.objects.bulk_create(batch)
        if created[0].pk is None:  # backends that do not return keys
            created = list(Article.objects.order_by("-id")[: len(batch)])
        CategorizedArticle.objects.bulk_create(
            [CategorizedArticle(content_object=a, tag=categories[a.pk % 5]) for a in created]
            + [CategorizedArticle(content_object=a, tag=categories[0]) for a in created if a.pk % 5]
        )
        Credit.objects.bulk_create(
            [Credit(article=a, author=authors[a.pk % len(authors)], role=Credit.Role.WRITER) for a in created]
        )
    print(f"  created in {time.perf_counter() - started:.1f} s")


def tidy() -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans), as
    autovacuum would give a real database."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def timed(label: str, function, *, repeat: int = REPEAT, setup=None) -> float:
    timings = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(f"  {label:<58} median {median:8.2f} ms   (min {min(timings):.2f}, max {max(timings):.2f})")
    return median


def queries(function) -> int:
    with override_settings(DEBUG=True):
        reset_queries()
        function()
        return len(connection.queries)


def main() -> None:
    setup_test_environment()  # the test client's host, locmem mail
    fill()
    tidy()
    size = settings.ARTICLES_PAGE_SIZE
    print(f"\npage {PAGE:,} of {Article.objects.published().count():,} published articles, {size} a page")

    def default_page():
        list(Paginator(article_list_published(), size).page(PAGE).object_list)

    def deep_page():
        list(DeepPaginator(article_list_published(), size).page(PAGE).object_list)

    print("listing (selector + paginator, no template):")
    timed("Django Paginator: COUNT + OFFSET over full rows", default_page)
    timed("DeepPaginator, count not cached (first view after a change)", deep_page, setup=cache.clear)
    timed("DeepPaginator, count cached", deep_page)
    print(f"  queries: default {queries(default_page)}, deep (count cached) {queries(deep_page)}")

    client = Client()
    url = f"/?page={PAGE}"
    print(f"whole request GET {url}:")
    timed("rendered (page cache empty)", lambda: client.get(url), setup=cache.clear)
    response = client.get(url)
    timed("from the page cache", lambda: client.get(url))
    etag = response["ETag"]
    timed("revalidated (If-None-Match -> 304)", lambda: client.get(url, headers={"if-none-match": etag}))
    timed("page 1 rendered (page cache empty)", lambda: client.get("/"), setup=cache.clear)

    category_url = f"/categories/新媒体/?page={PAGE}"
    timed(f"{category_url} rendered (page cache empty)", lambda: client.get(category_url), setup=cache.clear)
    timed("/archive/ (months with counts) rendered", lambda: client.get("/archive/"), setup=cache.clear)

    article = Article.objects.published().order_by("-published_at")[ARTICLES // 2]
    detail = article.get_absolute_url()
    print(f"article page {detail} (related articles among {ARTICLES:,}):")
    timed("rendered (page cache empty)", lambda: client.get(detail), setup=cache.clear)
    print(f"  queries: {queries(lambda: (cache.clear(), client.get(detail)))}")

    print("sitemaps:")
    timed(
        "/sitemap.xml index (page cache empty)",
        lambda: client.get("/sitemap.xml"),
        setup=cache.clear,
        repeat=3,
    )
    timed(
        "/sitemap-articles.xml?p=10 (page cache empty)",
        lambda: client.get("/sitemap-articles.xml?p=10"),
        setup=cache.clear,
        repeat=3,
    )
    for path in ("/", url, detail, "/sitemap.xml", category_url, "/archive/"):
        assert client.get(path).status_code == 200, path


if __name__ == "__main__":
    main()
