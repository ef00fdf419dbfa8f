"""Benchmark: import ../shared/corpus cycled to 10,000 posts into a fresh database.

    make bench-import                                      # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME make bench-import
                                                           # PostgreSQL: a fresh NAME_bench database

Prints posts per second, CPU time (user + sys: the main process, which writes, and the parsing
workers) and the process's peak resident memory; CPU time is the figure to compare on a busy
machine. Not a test: nothing is
asserted. Environment: MASTHEAD_CORPUS (default ../shared/corpus), BENCH_POSTS (default 10000),
BENCH_WORKERS (parsing processes; default as ``import_markdown --workers``), BENCH_SEARCH_INDEX=0
(write no search documents and build no search text: the rate without the index, for the
comparison the search section of the README makes).
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MASTHEAD_CORPUS", REPO.parent / "shared" / "corpus"))
POSTS = int(os.environ.get("BENCH_POSTS", "10000"))


def cycle_corpus(target: Path, count: int = POSTS) -> int:
    """Copy the corpus's .md files into ``target`` over and over until there are ``count``."""
    files = sorted(p for p in CORPUS.rglob("*.md") if p.is_file())
    for index in range(count):
        source = files[index % len(files)]
        parts = list(source.relative_to(CORPUS).parts)
        # Inside a Hexo site's _posts/ (a post's identity), so every copy is a post of its own.
        folders = [i for i, part in enumerate(parts[:-1]) if part in ("_posts", "_drafts")]
        at = folders[-1] + 1 if folders else 0
        parts.insert(at, f"cycle-{index // len(files):02d}")
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return count


def fresh_postgres(url: str) -> str:
    """Create an empty ``<name>_bench`` database beside the one in ``url``; return its URL."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    bench_database = ""
    try:
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            bench_database = os.environ["DATABASE_URL"] = fresh_postgres(url)
            backend = "PostgreSQL"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
            backend = "SQLite"
        os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"  # DEBUG off: no query log
        os.environ.setdefault("DJANGO_MEDIA_ROOT", str(workdir / "media"))
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.core.management import call_command

        from articles.services.importing import posts_import, report_summary
        from articles.services.importing.parsing import default_workers

        call_command("migrate", verbosity=0)
        search_index = os.environ.get("BENCH_SEARCH_INDEX", "1") != "0"
        if not search_index:
            # Everything else the import does stays: only the documents and their text go.
            from articles.services import writes
            from articles.services.importing import parsing

            writes.documents_update = lambda *args, **kwargs: None
            parsing.posts_index = lambda *args, **kwargs: None
        posts_dir = workdir / "posts"
        count = cycle_corpus(posts_dir)
        rss_before = peak_rss_mb()
        cpu_main, cpu_workers = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        workers = int(os.environ.get("BENCH_WORKERS", default_workers()))
        results = list(posts_import(inputs=[posts_dir], workers=workers))
        elapsed = time.perf_counter() - started
        cpu_main = cpu_seconds(resource.RUSAGE_SELF) - cpu_main
        cpu_workers = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_workers
        summary = report_summary(results)
        print(f"backend: {backend}, search index {'on' if search_index else 'off (BENCH_SEARCH_INDEX=0)'}")
        print(f"posts: {count} files, {workers} parsing worker(s) ({summary})")
        print(f"time: {elapsed:.1f} s")
        print(f"rate: {count / elapsed:.0f} posts/s")
        print(f"CPU (user + sys): {cpu_main:.1f} s main process, {cpu_workers:.1f} s parsing workers")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak RSS: {peak_rss_mb():.0f} MB main process (before the import: {rss_before:.0f} MB),"
            f" {children:.0f} MB largest worker"
        )
        started = time.perf_counter()
        again = report_summary(posts_import(inputs=[posts_dir]))
        print(f"second run: {time.perf_counter() - started:.1f} s ({again})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if bench_database:
            from django.db import connections

            connections.close_all()
            drop_postgres(bench_database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
