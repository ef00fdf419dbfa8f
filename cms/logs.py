"""Structured logs: JSON lines for the application (``DJANGO_LOG_FORMAT=json``) and for
gunicorn's access log (``cms/gunicorn.conf.py`` uses ``JsonAccessLogger``).

One access line per request, e.g.::

    {"time": "2026-03-18T09:23:51.123+08:00", "remote_addr": "127.0.0.1",
     "forwarded_for": "203.0.113.9", "method": "GET", "path": "/p/12/", "query": "",
     "status": 200, "bytes": 18846, "duration_ms": 2.41, "referer": "", "user_agent": "...",
     "request_id": "", "cache": "hit", "pid": 4242}

``cache`` is the page cache's verdict (``X-Cache``: ``hit``, ``miss`` or empty when the page is
not cacheable); ``request_id`` is a proxy's ``X-Request-ID``, so a line can be matched with the
proxy's own log.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime

from gunicorn.glogging import Logger


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """Application log records as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def _response_header(resp, name: str) -> str:
    for header, value in getattr(resp, "headers", None) or []:
        if header.lower() == name:
            return value
    return ""


class JsonAccessLogger(Logger):
    """gunicorn's access log as JSON lines (values are escaped by ``json.dumps``, unlike a
    hand-written ``access_log_format``)."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "time": _now(),
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "referer": environ.get("HTTP_REFERER", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            "request_id": environ.get("HTTP_X_REQUEST_ID", ""),
            "cache": _response_header(resp, "x-cache"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))
