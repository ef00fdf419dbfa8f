"""Benchmark: Chinese search over 100,000 articles on PostgreSQL (``make bench-search``).

Prints figures; asserts nothing. Steps:

1. a fresh ``<name>_searchbench`` database beside ``DATABASE_URL`` (default
   postgres://postgres@127.0.0.1:5432/masthead), migrated;
2. ``../shared/corpus`` imported once (the importer, so projects, mentions and credits are real),
   then its published articles copied until there are BENCH_ARTICLES (100,000) published
   articles, each copy with its source's credits, categories and project mentions and its own
   publication time (bulk writes, no index yet);
3. ``manage.py search_rebuild``'s work timed (all articles, ``--workers`` as the command's
   default), and the index's size;
4. BENCH_QUERIES (200) queries drawn with a fixed seed from the articles' real titles (one and
   two words, common and rare) and the projects' names, each run once to warm up, then timed:
   the query alone (count + a page of ranked ids + its articles, the selector) and the whole
   ``GET /search/?q=`` request (rendered, page cache off); p50/p95/p99 of each.

The database is dropped at the end (BENCH_KEEP=1 keeps it for another run, reused as it is;
BENCH_DATABASE names another one, such as a copy made with ``createdb -T``).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MASTHEAD_CORPUS", REPO.parent / "shared" / "corpus"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
BATCH = 2000


def bench_database(url: str) -> tuple[str, bool]:
    """``<name>_searchbench`` (or ``BENCH_DATABASE``) beside ``url``: created empty, or reused
    when kept."""
    import psycopg

    parts = urlsplit(url)
    name = os.environ.get("BENCH_DATABASE") or parts.path.lstrip("/") + "_searchbench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not KEEP:
            connection.execute(f'DROP DATABASE "{name}"')
        if not exists or not KEEP:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), bool(exists and KEEP)


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def percentiles(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    print(
        f"  {label:<34} p50 {at(0.50):7.1f} ms   p95 {at(0.95):7.1f} ms   p99 {at(0.99):7.1f} ms"
        f"   (mean {statistics.fmean(ordered):.1f}, max {ordered[-1]:.1f})"
    )


def fill() -> None:
    """Import the corpus, then copy its published articles up to ARTICLES (no index)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article
    from articles.search.models import SearchDocument
    from articles.services.importing import posts_import

    started = time.perf_counter()
    list(posts_import(inputs=[CORPUS]))
    print(f"  corpus imported in {time.perf_counter() - started:.1f} s", flush=True)
    sources = list(Article.objects.published().order_by("pk"))
    have = Article.objects.published().count()
    now = timezone.now()
    fields = [
        f.attname for f in Article._meta.concrete_fields if f.attname not in ("id", "legacy_path", "extra")
    ]
    started = time.perf_counter()
    for start in range(have, ARTICLES, BATCH):
        copies = []
        for n in range(start, min(start + BATCH, ARTICLES)):
            source = sources[n % len(sources)]
            copy = Article(**{name: getattr(source, name) for name in fields})
            copy.published_at = now - timedelta(minutes=7 * n + 1)
            copy.extra = {"bench_source": source.pk}
            copies.append(copy)
        with transaction.atomic():
            Article.objects.bulk_create(copies)
    # Each copy gets its source's credits, categories, tags and mentions (source in extra).
    copies = "FROM articles_article a JOIN {table} r ON r.{column} = (a.extra->>'bench_source')::bigint"
    relations = [
        ("articles_credit", "article_id", ["author_id", "role", '"order"']),
        ("articles_categorizedarticle", "content_object_id", ["tag_id", "name", "position"]),
        ("articles_taggedarticle", "content_object_id", ["tag_id", "name"]),
        (
            "articles_projectmention",
            "article_id",
            ["project_id", "refer_type", "href", "anchor_text", "position"],
        ),
    ]
    with connection.cursor() as cursor:
        for table, column, columns in relations:
            cursor.execute(
                f"INSERT INTO {table} ({column}, {', '.join(columns)}) "
                f"SELECT a.id, {', '.join('r.' + name for name in columns)} "
                + copies.format(table=table, column=column)
                + " WHERE a.extra ? 'bench_source'"
            )
        cursor.execute("VACUUM ANALYZE")
    SearchDocument.objects.all().delete()
    print(
        f"  {Article.objects.published().count():,} published articles in "
        f"{time.perf_counter() - started:.1f} s more",
        flush=True,
    )


def index_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('articles_searchdocument')),"
            " pg_size_pretty(pg_relation_size('articles_searchdocument_tsv')),"
            " pg_size_pretty(pg_relation_size('articles_searchdocument_plain_trgm'))"
        )
        total, gin, trigram = cursor.fetchone()
    return f"{total} in all (table, TOAST and indexes); GIN on tsv {gin}, trigram GIN on plain {trigram}"


def draw_queries() -> list[str]:
    """Real titles' words (one and two, common and rare) and project names, fixed seed."""
    from collections import Counter

    from articles.models import Article, Project
    from articles.search.dictionary import dictionary_ensure
    from articles.search.text import normalize, query_tokens

    # Titles cut with the names as words, as the search itself cuts them: the same queries
    # whether the index was just rebuilt in this process (dictionary loaded) or kept.
    dictionary_ensure()
    rng = random.Random(9)  # noqa: S311 (a fixed sample, not a secret)
    # Everything drawn from is in a fixed order, so the same database gives the same queries
    # in every run (the rows' physical order changes with each rebuild and VACUUM).
    titles = list(
        Article.objects.published().order_by("title").values_list("title", flat=True).distinct()[:5000]
    )
    words = Counter(
        word
        for title in titles
        for word in query_tokens(normalize(title))
        if len(word) >= 2 and not word.isdigit()
    )
    ranked = [word for word, _count in sorted(words.items(), key=lambda item: (-item[1], item[0]))]
    common, rare = ranked[: len(ranked) // 10] or ranked, ranked[len(ranked) // 2 :] or ranked
    projects = list(Project.objects.order_by("name").values_list("name", flat=True))
    queries = []
    for n in range(QUERIES):
        kind = n % 5
        if kind == 0 and projects:
            queries.append(rng.choice(projects))
        elif kind == 1:
            queries.append(rng.choice(common))
        elif kind == 2:
            queries.append(rng.choice(rare))
        elif kind == 3:
            queries.append(f"{rng.choice(common)} {rng.choice(common)}")
        else:
            title_words = [w for w in query_tokens(normalize(rng.choice(titles))) if len(w) >= 2]
            queries.append(" ".join(rng.sample(title_words, min(2, len(title_words)))) or rng.choice(common))
    return queries


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/masthead")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench-search runs on PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    database, reused = bench_database(url)
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="masthead-search-bench-"))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from articles import search_selectors, selectors
    from articles.search import documents_rebuild, query_parse
    from articles.services.importing.parsing import default_workers

    try:
        setup_test_environment()
        print(f"database: PostgreSQL {connection.pg_version // 10000}, {database.rsplit('/', 1)[-1]}")
        if not reused:
            call_command("migrate", verbosity=0)
            print("filling ...", flush=True)
            fill()
            workers = default_workers()
            print(f"rebuilding the index ({workers} segmenting worker(s)) ...", flush=True)
            started = time.perf_counter()
            total = documents_rebuild(workers=workers)
            rebuilt = time.perf_counter() - started
            print(f"  rebuild: {total:,} articles in {rebuilt:.1f} s ({total / rebuilt:.0f} articles/s)")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE articles_searchdocument")
        print(f"index size: {index_size()}")
        queries = draw_queries()
        print(f"{len(queries)} queries, e.g. {queries[:6]}")
        filters = selectors.ArticleFilters()

        def query_alone(text: str) -> None:
            found = search_selectors.article_search_published(query=query_parse(text), filters=filters)
            found.count()
            list(found[:20])

        client = Client()
        for text in queries:  # warm-up: dictionary, plans, the OS cache
            query_alone(text)
        alone, whole, hits = [], [], 0
        with override_settings(ARTICLES_PAGE_CACHE_SECONDS=0):
            for text in queries:
                started = time.perf_counter()
                query_alone(text)
                alone.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                response = client.get(f"/search/?q={quote(text)}")
                whole.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                hits += response.content.count(b'class="search-result"') > 0
        print(f"latency over {len(queries)} queries ({hits} with results):")
        percentiles("query alone (count + page)", alone)
        percentiles("whole GET /search/?q= request", whole)
    finally:
        from django.db import connections

        connections.close_all()
        if not KEEP:
            drop_database(database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
