"""Real servers started on free local ports for tests and benchmarks: Redis, PostgreSQL, an
S3-compatible store (moto in server mode), and Masthead itself under gunicorn as ``make serve``
runs it. Each runs in a temporary directory, listens on 127.0.0.1 only, and is stopped by its
context manager (never the machine's shared PostgreSQL or Redis).
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("MASTHEAD_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ServerError(RuntimeError):
    """A server did not start (its log says why)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ServerError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def _stop(process: subprocess.Popen, *, timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    """A throwaway redis-server (no persistence) that can be stopped, started and paused."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServerError("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections hang as in a network partition; data stays."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    with tempfile.TemporaryDirectory(prefix="masthead-redis-") as directory:
        server = RedisServer(Path(directory))
        server.start()
        try:
            yield server
        finally:
            if server.process is not None and server.process.poll() is None:
                server.resume()
            server.stop()


# --- PostgreSQL ---------------------------------------------------------------------------------


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb in a temporary directory, trust auth)."""

    def __init__(self, directory: Path) -> None:
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            **_as_postgres_user(),
        )

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise ServerError(f"PostgreSQL binaries not found in {PG_BIN} (set MASTHEAD_PG_BIN)")
        self.data.parent.mkdir(parents=True, exist_ok=True)
        _give_to_postgres_user(self.data.parent)
        subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
            **_as_postgres_user(),
        )  # fmt: skip
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\n# masthead test server\nport = {self.port}\n")
        self.options = options

    def start(self) -> None:
        self._ctl("-o", self.options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres_user() -> dict:
    """initdb and postgres refuse to run as root: run them as the 'postgres' user then."""
    if os.geteuid() != 0:
        return {}
    import pwd

    user = pwd.getpwnam("postgres")
    return {"user": user.pw_uid, "group": user.pw_gid}


def _give_to_postgres_user(path: Path) -> None:
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    with tempfile.TemporaryDirectory(prefix="masthead-pg-") as directory:
        os.chmod(directory, 0o755)  # noqa: S103 (the postgres user must reach its cluster)
        server = PostgresServer(Path(directory) / "cluster")
        server.init()
        server.start()
        try:
            yield server
        finally:
            with suppress(subprocess.CalledProcessError):  # already stopped
                server.stop("immediate")


# --- moto (S3) ----------------------------------------------------------------------------------


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in server mode: a real S3-compatible HTTP endpoint. Yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


# --- Masthead under gunicorn ----------------------------------------------------------------------


class Instance:
    """One ``make serve`` instance: production settings, gunicorn with cms/gunicorn.conf.py."""

    def __init__(self, env: dict[str, str], *, log: Path) -> None:
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "cms/gunicorn.conf.py", "cms.wsgi"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(self.port, timeout=60, process=self.process)
        except ServerError as error:
            raise ServerError(f"{error}\n{self.log.read_text(errors='replace')[-3000:]}") from error

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, timeout=30)

    def request(
        self,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
        timeout: float = 30,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """``(status, headers, body)`` of one request (GET, or POST with ``data``), redirects not
        followed, as a reader or editor behind a TLS-terminating proxy would send it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            sent = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
            connection.request("POST" if data is not None else "GET", path, body=data, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """``(status, headers, body)`` of a GET."""
        status, response_headers, body = self.request(path, headers=headers)
        return status, dict(response_headers), body


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production instance on this machine (secret generated, HTTPS
    expected from a proxy: requests carry ``X-Forwarded-Proto: https``)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MASTHEAD_SITE_URL": "https://127.0.0.1",
        "DJANGO_STATIC_ROOT": str(REPO / "staticfiles"),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def collectstatic(env: dict[str, str]) -> None:
    """What ``make serve`` does before gunicorn: hashed, compressed static files."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
    )
