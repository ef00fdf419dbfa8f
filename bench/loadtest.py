"""Load and fault test (``make loadtest``). Prints figures and exits 1 when a target is missed.

A PostgreSQL of its own (initdb in a temporary directory, so it can be restarted without
touching anyone else's) and a Redis of its own; LOADTEST_ARTICLES (2,000) articles imported
from ../shared/corpus cycled (generated when it is absent); one ``make serve`` instance with
its defaults (production settings, page cache on, gunicorn workers and threads from the CPU
count). wrk then requests a mix of pages in turn (home and its pages, articles, categories,
tags, authors, projects, archives, feeds, sitemaps: LOADTEST_PATHS distinct URLs) with
LOADTEST_CONNECTIONS (50) connections:

1. LOADTEST_SECONDS (60) of steady load: zero 5xx, zero socket errors expected.
2. The same length again over pages the first phase did not cache (other articles), one
   request in four with a session cookie (the page cache steps aside and the session is read
   from the database), with PostgreSQL stopped at a third of the run and started again
   LOADTEST_DOWN_SECONDS (10) later, the app left running: errors (503 with Retry-After)
   only while PostgreSQL is down, then none, with no restart of the app. Pages already in the
   page cache are served throughout.

Each request's status and time come from gunicorn's JSON access log, for a timeline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.http_bench import generate_posts  # noqa: E402
from bench.import_bench import CORPUS, cycle_corpus  # noqa: E402
from tests.servers import Instance, collectstatic, postgres_server, production_env, redis_server  # noqa: E402

ARTICLES = int(os.environ.get("LOADTEST_ARTICLES", "2000"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "50"))
DOWN_SECONDS = int(os.environ.get("LOADTEST_DOWN_SECONDS", "10"))
PATHS = int(os.environ.get("LOADTEST_PATHS", "400"))
# Requests already in flight when PostgreSQL stops or starts may end a moment either side.
GRACE_SECONDS = 2.0

WRK_SCRIPT = """
local paths = {%s}
local with_session = %s
local counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local headers = {["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1"}
  if with_session > 0 and counter %% with_session == 0 then
    -- A visitor with a session cookie: the page cache steps aside, the session is read.
    headers["Cookie"] = "sessionid=loadtest" .. counter
  end
  return wrk.format("GET", path, headers)
end
"""


def wrk_script(path: Path, paths: list[str], *, with_session: int = 0) -> Path:
    path.write_text(WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), with_session))
    return path


def fill(database_url: str) -> tuple[list[str], list[str]]:
    """Import the articles; return two mixes of paths to request (the second with other
    articles: pages the first phase did not put in the cache)."""
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cms.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from articles import selectors
    from articles.models import Article
    from articles.services.importing import posts_import, report_summary

    call_command("migrate", verbosity=0)
    workdir = Path(tempfile.mkdtemp(prefix="masthead-loadtest-"))
    try:
        if CORPUS.is_dir():
            cycle_corpus(workdir / "posts", ARTICLES)
        else:
            generate_posts(workdir / "posts", ARTICLES)
        print(f"import: {report_summary(posts_import(inputs=[workdir / 'posts']))}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    owners = [
        *(c.get_absolute_url() for c in selectors.category_list_published()[:20]),
        *(t.get_absolute_url() for t in selectors.tag_list_published()[:20]),
        *(a.get_absolute_url() for a in selectors.author_list_published()[:20]),
        *(p.get_absolute_url() for p in selectors.project_list_published()[:20]),
    ]
    last_page = max(1, Article.objects.published().count() // 20)
    fixed = [
        "/", "/?page=2", f"/?page={max(1, last_page // 2)}", f"/?page={last_page}", "/feed/", "/feed/atom/",
        "/archive/", "/sitemap.xml", "/sitemap-articles.xml", "/robots.txt",
        *owners, *(f"{url}feed/" for url in owners[:5]),
    ]  # fmt: skip
    count = max(PATHS - len(fixed), 10)
    articles = [
        a.get_absolute_url() for a in Article.objects.published().order_by("-published_at")[: 2 * count]
    ]
    connections.close_all()
    return fixed + articles[:count], fixed + articles[count:]


def run_wrk(url: str, script: Path, seconds: int) -> str:
    return subprocess.run(
        [
            shutil.which("wrk"),
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wrk_summary(output: str) -> dict:
    def number(pattern: str) -> int:
        found = re.search(pattern, output)
        return int(found.group(1)) if found else 0

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": number(r"(\d+) requests in"),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx_3xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
    }


def access_timeline(log: Path, started: float) -> list[tuple[float, int]]:
    """``[(seconds since started, status)]`` from the JSON access log."""
    timeline = []
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        when = datetime.fromisoformat(entry["time"]).timestamp()
        timeline.append((when - started, int(entry["status"])))
    return timeline


def phase(instance: Instance, script: Path, log: Path, *, fault=None) -> dict:
    log.write_text("")
    started = time.time()
    events: dict[str, float] = {}
    worker = threading.Thread(target=fault, args=(started, events)) if fault else None
    if worker:
        worker.start()
    summary = wrk_summary(run_wrk(instance.url, script, SECONDS))
    if worker:
        worker.join()
    time.sleep(1)  # the access log's last lines
    timeline = access_timeline(log, started)
    recovered = events.get("postgres_up", started) - started + GRACE_SECONDS
    statuses = Counter(status for _t, status in timeline)
    errors = [t for t, status in timeline if status >= 500]
    return {
        **summary,
        "statuses": dict(sorted(statuses.items())),
        "errors": len(errors),
        "first_error_s": round(min(errors), 2) if errors else None,
        "last_error_s": round(max(errors), 2) if errors else None,
        "events_s": {name: round(at - started, 2) for name, at in events.items()},
        "errors_per_second": dict(sorted(Counter(int(t) for t in errors).items())),
        "after_recovery": dict(Counter(status for t, status in timeline if t > recovered))
        if events
        else None,
    }


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make loadtest does)")
    workdir = Path(tempfile.mkdtemp(prefix="masthead-loadtest-"))
    instance = None
    try:
        with postgres_server() as postgres, redis_server() as redis:
            database_url = postgres.create_database("masthead")
            paths, other_paths = fill(database_url)
            log = workdir / "access.log"
            env = production_env(
                DATABASE_URL=database_url,
                REDIS_URL=redis.url,
                ACCESS_LOG=str(log),
                DJANGO_STATIC_ROOT=str(workdir / "static"),
                DJANGO_LOG_LEVEL="ERROR",
            )
            collectstatic(env)
            instance = Instance(env, log=workdir / "server.log")
            instance.start()
            print(
                f"{len(paths)} distinct pages, {CONNECTIONS} connections, {SECONDS} s per phase", flush=True
            )

            steady = phase(instance, wrk_script(workdir / "steady.lua", paths), log)

            def restart_postgres(started: float, events: dict[str, float]) -> None:
                time.sleep(SECONDS / 3)
                postgres.stop("fast")
                events["postgres_down"] = time.time()
                time.sleep(DOWN_SECONDS)
                postgres.start()
                events["postgres_up"] = time.time()

            # Pages not cached yet and one visitor in four with a session: requests that need
            # the database while it is down.
            mixed = wrk_script(workdir / "restart.lua", other_paths, with_session=4)
            restart = phase(instance, mixed, log, fault=restart_postgres)
            app_pid_unchanged = instance.process.poll() is None
    finally:
        if instance is not None:
            instance.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    down, up = restart["events_s"]["postgres_down"], restart["events_s"]["postgres_up"]
    errors_outside = restart["errors"] and (
        restart["first_error_s"] < down - GRACE_SECONDS or restart["last_error_s"] > up + GRACE_SECONDS
    )
    checks = {
        "steady: zero 5xx": steady["errors"] == 0,
        "steady: zero socket errors": steady["socket_errors"] == 0,
        "restart: errors only while PostgreSQL is down": not errors_outside,
        "restart: no 5xx after recovery": all(status < 500 for status in restart["after_recovery"]),
        "restart: the app was not restarted": app_pid_unchanged,
    }
    report = {"steady": steady, "postgres_restart": restart, "checks": checks}
    print(json.dumps(report, indent=2, default=str))
    print()
    print(f"steady: {steady['rps']:.0f} req/s, {steady['requests']} requests, statuses {steady['statuses']}")
    print(
        f"restart: {restart['rps']:.0f} req/s, PostgreSQL down {down:.1f}-{up:.1f} s; "
        f"{restart['errors']} errors, from {restart['first_error_s']} s to {restart['last_error_s']} s; "
        f"statuses {restart['statuses']}"
    )
    print(f"5xx per second of the restart phase: {restart['errors_per_second']}")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
