"""Benchmark: reader pages in process, as CPU time and queries per request (``make bench-pages``).

Wall-clock figures on a shared machine measure the neighbours; the CPU time this process spends
per request does not (much). Uses the database ``make bench-http`` fills (5,000 articles; it is
filled first when missing) and production settings with a Redis of its own, and for each page
of ``make bench-http`` (home, home page 50, an article, a category, a project, /feed/) reports:

- ``uncached``: page cache off, fragments cached (warm), as ``make bench-http``'s "page cache
  off": milliseconds of CPU per request (``time.process_time`` over BENCH_REQUESTS requests)
  and queries per request;
- ``hit``: page cache on, a cached page answered: CPU per request.

Asserts nothing; prints a table (BENCH_REQUESTS, default 200; the median of BENCH_ROUNDS, 3).
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_bench  # noqa: E402
from tests.servers import redis_server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def _cpu_ms(client, path: str, count: int) -> float:
    started = time.process_time()
    for _ in range(count):
        response = client.get(path, headers={"x-forwarded-proto": "https"})
        assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - started) * 1000 / count


def measure(pages: dict[str, str]) -> dict[str, dict]:
    from django.db import connection
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    results: dict[str, dict] = {}
    for name, path in pages.items():
        with override_settings(ARTICLES_PAGE_CACHE_SECONDS=0):
            _cpu_ms(client, path, 3)  # fragments and counts cached
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                _cpu_ms(client, path, 1)
            uncached = [_cpu_ms(client, path, REQUESTS) for _ in range(ROUNDS)]
        with override_settings(ARTICLES_PAGE_CACHE_SECONDS=600):
            _cpu_ms(client, path, 2)
            response = client.get(path, headers={"x-forwarded-proto": "https"})
            assert response["X-Cache"] == "hit", path
            hits = [_cpu_ms(client, path, REQUESTS * 5) for _ in range(ROUNDS)]
        results[name] = {
            "path": path,
            "uncached_cpu_ms": round(statistics.median(uncached), 3),
            "uncached_queries": len(queries),
            "hit_cpu_ms": round(statistics.median(hits), 3),
        }
        print(f"{name}: {results[name]}", flush=True)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            print("\n".join(queries))
    return results


def main() -> int:
    url = http_bench.bench_database_url()
    static_root = Path(tempfile.mkdtemp(prefix="masthead-bench-pages-"))
    with redis_server() as redis:
        os.environ.update(
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            MASTHEAD_SITE_URL="https://127.0.0.1",
            DJANGO_STATIC_ROOT=str(static_root),
            DJANGO_LOG_LEVEL="WARNING",
            REDIS_URL=redis.url,
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.production", "DATABASE_URL": url}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, env=env, check=True
        )
        pages = http_bench.fill(url, "cms.settings.production")
        results = measure(pages)
    print("\n| page | uncached CPU/request | queries | cache hit CPU/request |")
    print("| --- | --- | --- | --- |")
    for name, row in results.items():
        uncached, hit = f"{row['uncached_cpu_ms']:.2f} ms", f"{row['hit_cpu_ms']:.3f} ms"
        cells = [name, uncached, str(row["uncached_queries"]), hit]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
