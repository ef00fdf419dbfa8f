"""gunicorn settings for ``make serve`` (``gunicorn -c cms/gunicorn.conf.py cms.wsgi``).

Everything comes from the environment, with defaults from the machine:

- ``PORT`` (8000) and ``BIND_HOST`` (127.0.0.1): where to listen. A reverse proxy in front
  (nginx, a load balancer) talks to this address; keep it on loopback or a private network.
- ``WORKERS``: worker processes, default 2 x CPUs + 1 (gunicorn's own advice).
- ``THREADS``: threads per worker, default 2 (``gthread`` workers: a thread waiting on
  PostgreSQL or Redis lets another one use the CPU). ``THREADS=1`` gives plain sync workers.
- ``GUNICORN_TIMEOUT`` (30 s): a worker stuck longer is restarted.
- ``MAX_REQUESTS`` (5000, with jitter): workers are recycled now and then, bounding any leak.
  A recycled worker is forked from the master, which is warmed before the first fork
  (``when_ready``, ``cms/warmup.py``): its first requests are as fast as its predecessor's.
- ``ACCESS_LOG`` (``-``: stdout; empty: off): one JSON line per request (``cms/logs.py``).
- ``FORWARDED_ALLOW_IPS`` (127.0.0.1): proxies whose ``X-Forwarded-*`` headers are believed.
"""

from __future__ import annotations

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS") or 2 * _cpus() + 1)
threads = int(os.environ.get("THREADS") or 2)
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
logger_class = "cms.logs.JsonAccessLogger"
# Load the application once in the master: workers fork with Django and the templates ready.
preload_app = True
proc_name = "masthead"


def when_ready(server) -> None:
    """In the master, once the application is loaded and before any worker is forked: do
    Django's first-use set-up there (``cms.warmup``), so no worker pays it on a request."""
    if server.cfg.preload_app:
        from cms.warmup import warm_up

        server.log.info("warmed up before forking workers: %s", warm_up())
