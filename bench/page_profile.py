"""Benchmark: reader pages in process, as CPU time and queries per request (``make bench-pages``).

Wall-clock figures on a shared machine measure the neighbours; the CPU time this process spends
per request does not (much). Uses the database ``make bench-http`` fills (5,000 articles; it is
filled first when missing) and production settings with a Redis of its own, and for each page
of ``make bench-http`` (home, home page 50, an article, a category, a project, /feed/) reports:

- ``uncached``: page cache off, fragments cached (warm), as ``make bench-http``'s "page cache
  off": milliseconds of CPU per request (``time.process_time`` over BENCH_REQUESTS requests)
  and queries per request; and the CPU the PostgreSQL backend serving this process (when the
  server runs on this machine) and the Redis server spent per request (one more pass);
- ``hit``: page cache on, a cached page answered: CPU per request.

Asserts nothing; prints a table (BENCH_REQUESTS, default 200; the median of BENCH_ROUNDS, 3).
"""

from __future__ import annotations

import contextlib
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


def _server_seconds() -> tuple[float | None, float | None]:
    """CPU seconds used so far by this process's PostgreSQL backend (when the server runs on
    this machine: ``/proc``) and by the Redis server (``INFO cpu``)."""
    from django.core.cache import cache
    from django.db import connection

    database = None
    with contextlib.suppress(OSError):  # not a local server: no figure
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        database = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:
        info = cache.client.get_client().info("cpu")
        redis = info["used_cpu_sys"] + info["used_cpu_user"]
    except Exception:  # figures only: an unknown figure, never a failed bench
        redis = None
    return database, redis


def _servers_ms(path: str, client, count: int) -> tuple[float | None, float | None]:
    """PostgreSQL's and Redis's CPU per request of ``path`` (ms; ``None`` when unknown)."""
    before = _server_seconds()
    _cpu_ms(client, path, count)
    after = _server_seconds()
    pairs = zip(before, after, strict=True)
    return tuple(None if a is None or b is None else round((b - a) * 1000 / count, 2) for a, b in pairs)


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
            database_ms, redis_ms = _servers_ms(path, client, REQUESTS)
        with override_settings(ARTICLES_PAGE_CACHE_SECONDS=600):
            _cpu_ms(client, path, 2)
            response = client.get(path, headers={"x-forwarded-proto": "https"})
            assert response["X-Cache"] == "hit", path
            hits = [_cpu_ms(client, path, REQUESTS * 5) for _ in range(ROUNDS)]
        results[name] = {
            "path": path,
            "uncached_cpu_ms": round(statistics.median(uncached), 3),
            "uncached_queries": len(queries),
            "uncached_postgresql_cpu_ms": database_ms,
            "uncached_redis_cpu_ms": redis_ms,
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
    print("\n| page | uncached CPU/request | queries | + PostgreSQL | + Redis | cache hit CPU/request |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, row in results.items():
        uncached, hit = f"{row['uncached_cpu_ms']:.2f} ms", f"{row['hit_cpu_ms']:.3f} ms"
        servers = [
            "?" if row[key] is None else f"{row[key]:.2f} ms"
            for key in ("uncached_postgresql_cpu_ms", "uncached_redis_cpu_ms")
        ]
        cells = [name, uncached, str(row["uncached_queries"]), *servers, hit]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
