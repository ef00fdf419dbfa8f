"""Benchmark: reader pages over HTTP under ``make serve`` (``make bench-http``). Prints figures
and writes ``bench/results.json``; asserts nothing.

1. Fills a PostgreSQL database with BENCH_ARTICLES (5,000) articles imported from
   ../shared/corpus cycled (generated posts when the corpus is absent): ``<name>_http_bench``
   beside ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/masthead), reused when
   it already holds them; then ``VACUUM ANALYZE`` (what autovacuum keeps a real database at).
2. Starts a Redis of its own and three ``make serve`` instances (production settings, gunicorn
   with WORKERS=2 THREADS=1: 2 sync workers): page cache off (fragment caches on, in Redis),
   page cache on (Redis), and the floor, a bare Django view answering each path with the very
   bytes Masthead served for it, under the same settings and middleware (bench/floor_*.py).
3. For each page (home, home page 50, an article, a category, a project, /feed/) runs ``wrk``
   with BENCH_CONNECTIONS (16) connections for BENCH_SECONDS (10) against the floor, then page
   cache off, then on, BENCH_ROUNDS times (1), and reports the median requests/s, p50 and p99
   latency, and the share of the floor measured seconds before.

Production redirects plain HTTP to HTTPS; wrk talks to gunicorn as a TLS-terminating proxy
would, with ``X-Forwarded-Proto: https`` (from 127.0.0.1, which gunicorn and Django trust).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.import_bench import CORPUS, cycle_corpus  # noqa: E402
from tests.servers import Instance, collectstatic, production_env, redis_server  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "5000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
RESULTS = REPO / "bench" / "results.json"
WRK_HEADERS = ["-H", "X-Forwarded-Proto: https", "-H", "Host: 127.0.0.1"]


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/masthead"
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench-http measures PostgreSQL: set DATABASE_URL to a postgres:// URL")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}_http_bench"))


def generate_posts(target: Path, count: int) -> None:
    """Hexo posts in the corpus's shape (bylines, categories, project links), when it is absent."""
    for index in range(count):
        path = target / f"generated/{index:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        project = index % 300
        path.write_text(
            f"---\ntitle: 第 {index} 篇：一家公司完成新一轮融资\ndate: 2024-01-01 08:00:00\n"
            f"categories:\n - 资讯\n - 行业{index % 12}\ntags:\n - 融资\n---\n\n"
            f"<p>文 | 作者{index % 80}</p><p>编辑 | 编辑{index % 10}</p>\n"
            f'<p><a class="project-link" data-id="{100000 + project}" data-name="项目{project}" '
            f'data-refer-type="2" href="https://36kr.com/projectDetails/{100000 + project}">项目{project}</a>'
            f"完成新一轮融资。{'正文内容，' * 200}</p>\n",
            encoding="utf-8",
        )


def fill(url: str, settings_module: str = "cms.settings.test") -> dict[str, str]:
    """Make sure the bench database holds ARTICLES articles; return the pages to load."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE=settings_module)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from articles.models import Article, Category, Project
    from articles.services.importing import posts_import, report_summary

    call_command("migrate", verbosity=0)
    have = Article.objects.published().count()
    if have < ARTICLES * 0.95:
        workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-http-"))
        try:
            if CORPUS.is_dir():
                cycle_corpus(workdir / "posts", ARTICLES)
            else:
                generate_posts(workdir / "posts", ARTICLES)
            print(f"importing {ARTICLES:,} posts into {name} ...", flush=True)
            print(report_summary(posts_import(inputs=[workdir / "posts"])))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    # What autovacuum gives a real database (a server may run with it off, as this machine's
    # does): statistics, and the visibility map without which PostgreSQL cannot read a list's
    # ids from its index alone (page 50 of the home list then fetched 1,000 table rows).
    # Quick on 5,000 articles; run on every fill, so a database filled before this is vacuumed.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    total = Article.objects.published().count()
    article = Article.objects.published().order_by("-published_at", "-id")[5]
    category = Category.objects.annotate(n=Count("items")).order_by("-n").first()
    project = Project.objects.annotate(n=Count("mentions")).order_by("-n").first()
    print(f"database: {name}, {total:,} published articles")
    return {
        "home": "/",
        "home page 50": "/?page=50",
        "article": article.get_absolute_url(),
        "category": category.get_absolute_url(),
        "project": project.get_absolute_url(),
        "/feed/": "/feed/",
    }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str) -> dict:
    """Requests/s, p50 and p99 (ms) and errors of one wrk run."""
    output = subprocess.run(
        [shutil.which("wrk"), "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *WRK_HEADERS, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output for {url}:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(_ms(latency["50"]), 2),
        "p99_ms": round(_ms(latency["99"]), 2),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def save_floor_pages(instance: Instance, pages: dict[str, str], directory: Path) -> None:
    index = {}
    for number, path in enumerate(pages.values()):
        status, headers, body = instance.get(path)
        assert status == 200, (path, status)
        (directory / f"{number}.bin").write_bytes(body)
        index[path] = (f"{number}.bin", headers["Content-Type"])
    (directory / "index.json").write_text(json.dumps(index))


def median_run(runs: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p99_ms")
    summary = {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}
    summary["non_2xx"] = sum(run["non_2xx"] for run in runs)
    return summary


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench-http does)")
    url = bench_database_url()
    pages = fill(url)
    workdir = Path(tempfile.mkdtemp(prefix="masthead-bench-http-"))
    (workdir / "floor").mkdir()
    load_before = os.getloadavg()
    instances: list[Instance] = []
    try:
        with redis_server() as redis:
            common = {
                "DATABASE_URL": url,
                "REDIS_URL": redis.url,
                "WORKERS": "2",
                "THREADS": "1",
                "ACCESS_LOG": "",
                "DJANGO_STATIC_ROOT": str(workdir / "static"),
                "DJANGO_LOG_LEVEL": "WARNING",
            }
            collectstatic(production_env(**common))
            off = Instance(production_env(**common, ARTICLES_PAGE_CACHE_SECONDS="0"), log=workdir / "off.log")
            on = Instance(production_env(**common, ARTICLES_PAGE_CACHE_SECONDS="600"), log=workdir / "on.log")
            instances += [off, on]
            off.start()
            on.start()
            save_floor_pages(off, pages, workdir / "floor")
            floor = Instance(
                production_env(
                    **common,
                    DJANGO_SETTINGS_MODULE="bench.floor_settings",
                    BENCH_FLOOR_DIR=str(workdir / "floor"),
                ),
                log=workdir / "floor.log",
            )
            instances.append(floor)
            floor.start()
            for path in pages.values():
                assert floor.get(path)[2] == off.get(path)[2] == on.get(path)[2], f"{path}: the same bytes"
                assert on.get(path)[1]["X-Cache"] == "hit", path

            runs: dict[str, dict[str, list[dict]]] = {
                name: {"floor": [], "off": [], "on": []} for name in pages
            }
            for round_number in range(1, ROUNDS + 1):
                for name, path in pages.items():
                    for mode, instance in (("floor", floor), ("off", off), ("on", on)):
                        runs[name][mode].append(wrk(instance.url + path))
                    print(f"round {round_number}: {name} done", flush=True)
    finally:
        for instance in instances:
            instance.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    results = {}
    for name, path in pages.items():
        floor_rps = statistics.median(run["rps"] for run in runs[name]["floor"])
        results[name] = {"path": path, "floor_rps": round(floor_rps, 1)}
        for mode in ("off", "on"):
            summary = median_run(runs[name][mode])
            summary["share_of_floor"] = round(summary["rps"] / floor_rps, 3)
            results[name][f"page_cache_{mode}"] = summary
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "settings": {
            "articles": ARTICLES,
            "database": "PostgreSQL",
            "gunicorn": "2 sync workers",
            "wrk": f"1 thread, {CONNECTIONS} connections, {SECONDS} s",
            "rounds": ROUNDS,
        },
        "pages": results,
    }
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    print(f"\nload average before/after: {report['load_average_before']} / {report['load_average_after']}")
    print("| page | floor | page cache off | p50 / p99 | share | page cache on (Redis) | p50 / p99 | share |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, row in report["pages"].items():
        off, on = row["page_cache_off"], row["page_cache_on"]
        cells = [name, f"{row['floor_rps']:,.0f}/s"]
        for mode in (off, on):
            latency = f"{mode['p50_ms']} / {mode['p99_ms']} ms"
            cells += [f"{mode['rps']:,.0f}/s", latency, f"{mode['share_of_floor']:.1%}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nwritten to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
