"""The test database, opened to other processes: for tests that run ``manage.py`` as a subprocess.

pytest-django's SQLite test database lives in this process's memory, so the fixture copies it
(schema and all, with SQLite's backup API) to a file the subprocess opens; PostgreSQL's test
database is simply named in ``DATABASE_URL``. Tests using it are transactional, so what either
side commits is what the other sees. ``query`` reads that same database with plain SQL.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ExternalDatabase:
    url: str
    sqlite_path: Path | None

    def query(self, sql: str) -> list[tuple]:
        """Rows for ``sql`` (no parameters), read as another client would."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=20) as db:
                return db.execute(sql).fetchall()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}

    def manage(self, *args: str, **kwargs) -> subprocess.Popen:
        """Start ``manage.py args`` against this database in its own process group."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            **kwargs,
        )


@pytest.fixture
def external_database(transactional_db, tmp_path) -> ExternalDatabase:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return ExternalDatabase(url=f"sqlite:///{path}", sqlite_path=path)
    if connection.vendor != "postgresql":  # pragma: no cover
        pytest.fail(f"no subprocess access to a {connection.vendor} test database")
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return ExternalDatabase(url=url, sqlite_path=None)
