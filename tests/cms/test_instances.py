"""Two ``make serve`` instances (gunicorn, production settings, on two free ports) sharing one
database, one Redis and one object store, as behind a load balancer: they serve the same
content, an edit made in the admin of one is visible through the other at once (its cached
copy is purged), and an image uploaded through one is served from the shared bucket.

The database is a fresh PostgreSQL database beside ``DATABASE_URL`` when that is PostgreSQL,
else one SQLite file; Redis and the S3 server (moto) are the test's own.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import boto3
import pytest
from PIL import Image

from tests.servers import REPO, Instance, collectstatic, moto_server, production_env, redis_server

BUCKET = "masthead-shared"
PASSWORD = "shared-instances-password-1"
# Production requires a second factor of superusers: the admin gets recovery codes to log in with.
RECOVERY_CODES = [f"code{n:04d}" for n in range(10)]
_ENROL = (
    "from django.contrib.auth import get_user_model; "
    "from django_otp.plugins.otp_static.models import StaticDevice; "
    "device = StaticDevice.objects.create(user=get_user_model().objects.get(username='admin'), name='test'); "
    f"[device.token_set.create(token=code) for code in {RECOVERY_CODES!r}]"
)


def _database(tmp_path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_instances"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    root = tmp_path_factory.mktemp("instances")
    database, drop_database = _database(root)
    with redis_server() as redis, moto_server() as s3:
        storage = boto3.client(
            "s3", endpoint_url=s3, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
        )
        storage.create_bucket(Bucket=BUCKET)
        public = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
        storage.put_bucket_policy(
            Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public]})
        )
        env = production_env(
            DATABASE_URL=database,
            REDIS_URL=redis.url,
            DJANGO_S3_BUCKET=BUCKET,
            DJANGO_S3_ENDPOINT_URL=s3,
            DJANGO_S3_ACCESS_KEY_ID="k",
            DJANGO_S3_SECRET_ACCESS_KEY="s",
            DJANGO_MEDIA_URL=f"{s3}/{BUCKET}/",
            DJANGO_STATIC_ROOT=str(root / "static"),
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
            WORKERS="1",
            THREADS="2",
            ACCESS_LOG="",
        )
        _manage(env, "migrate", "--noinput")
        _manage(env, "import_markdown", "demo/posts")
        _manage(env, "ensure_superuser")
        _manage(env, "shell", "-c", _ENROL)
        collectstatic(env)
        first = Instance({**env, "ACCESS_LOG": str(root / "first-access.log")}, log=root / "first.log")
        second = Instance(env, log=root / "second.log")
        first.start()
        second.start()
        try:
            yield first, second
        finally:
            first.stop()
            second.stop()
            drop_database()


def article_paths(instance: Instance) -> list[str]:
    status, _headers, body = instance.get("/")
    assert status == 200
    return list(dict.fromkeys(re.findall(r'href="(/p/\d+/)"', body.decode())))


def title_of(body: bytes) -> str:
    return re.search(r'<h1 class="article-title">(.*?)</h1>', body.decode(), re.S).group(1)


def test_both_instances_serve_the_same_content(instances):
    first, second = instances
    paths = article_paths(first)
    assert paths and paths == article_paths(second)
    for path in paths:
        one, two = first.get(path), second.get(path)
        assert one[0] == two[0] == 200
        assert title_of(one[2]) == title_of(two[2])
    assert first.get("/feed/")[2] == second.get("/feed/")[2]


class _FormFields(HTMLParser):
    """The fields of the admin's article form, as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "article_form":
            self._in_form = True
        if not self._in_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image", "reset"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


class AdminSession:
    """An editor signed in to one instance (cookies and CSRF as a browser keeps them)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.cookies: dict[str, str] = {}
        status, _h, body = self.request("/admin/login/")
        token = self._token(body)
        login = {"username": "admin", "password": PASSWORD, "otp_token": RECOVERY_CODES.pop(), "csrfmiddlewaretoken": token}
        status, _h, _b = self.request("/admin/login/", data=login)
        assert status == 302 and "sessionid" in self.cookies, "signed in"

    def _token(self, body: bytes) -> str:
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def request(self, path, *, data=None, body=None, content_type=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Origin": "https://127.0.0.1",
        }
        if data is not None:
            body, content_type = urlencode(data).encode(), "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        status, response_headers, content = self.instance.request(path, headers=headers, data=body)
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                cookie_name, cookie_value = value.split(";", 1)[0].split("=", 1)
                self.cookies[cookie_name] = cookie_value
        return status, response_headers, content

    def change_title(self, pk: int, title: str) -> None:
        status, _h, form = self.request(f"/admin/articles/article/{pk}/change/")
        assert status == 200
        parser = _FormFields()
        parser.feed(form.decode())
        fields = [(name, title if name == "title" else value) for name, value in parser.fields]
        status, _h, body = self.request(f"/admin/articles/article/{pk}/change/", data=fields)
        assert status == 302, body.decode()[:3000]

    def upload_image(self) -> dict:
        image = io.BytesIO()
        Image.new("RGB", (640, 480), "orange").save(image, "JPEG")
        self.request("/admin/articles/article/add/")  # the editor page sets the CSRF cookie
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="photo.jpg"\r\n'
                "Content-Type: image/jpeg\r\n\r\n"
            ).encode()
            + image.getvalue()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers_token = self.cookies["csrftoken"]
        status, _h, content = self.instance.request(
            "/admin/articles/article/editor/upload/",
            headers={
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Origin": "https://127.0.0.1",
                "X-CSRFToken": headers_token,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            data=body,
        )
        assert status == 200, content[:2000]
        return json.loads(content)


def test_an_edit_through_one_instance_is_visible_through_the_other_at_once(instances):
    first, second = instances
    path = article_paths(second)[0]
    pk = int(path.strip("/").split("/")[-1])
    second.get(path)
    status, headers, _body = second.get(path)
    assert headers["X-Cache"] == "hit", "the second instance holds the page in the shared cache"

    AdminSession(first).change_title(pk, "在第一台实例上改的标题")

    status, headers, body = second.get(path)
    assert status == 200 and title_of(body) == "在第一台实例上改的标题"
    assert headers["X-Cache"] == "miss", "purged by the edit made on the other instance"
    assert "在第一台实例上改的标题" in second.get("/")[2].decode()
    assert "在第一台实例上改的标题" in first.get("/feed/")[2].decode()


def test_an_image_uploaded_through_one_instance_is_served_from_the_shared_bucket(instances):
    first, second = instances
    uploaded = AdminSession(second).upload_image()
    url = uploaded["url"]
    assert url.startswith(f"{first.env['DJANGO_MEDIA_URL']}uploads/")
    storage = boto3.client(
        "s3",
        endpoint_url=first.env["DJANGO_S3_ENDPOINT_URL"],
        aws_access_key_id="k",
        aws_secret_access_key="s",
        region_name="us-east-1",
    )
    key = url.removeprefix(first.env["DJANGO_MEDIA_URL"])
    stored = storage.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/jpeg" and stored["Body"].read()[:2] == b"\xff\xd8"


def test_each_request_is_one_json_line_in_the_access_log(instances):
    first, _second = instances
    first.get("/feed/", headers={"X-Request-ID": "req-42", "User-Agent": 'probe "agent"'})
    log = Path(first.env["ACCESS_LOG"])

    def logged() -> dict | None:
        # gunicorn writes the line after the response has gone out: wait for it to appear.
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        return next((entry for entry in lines if entry["request_id"] == "req-42"), None)

    deadline = time.monotonic() + 30
    while (line := logged()) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert line is not None, "the request never reached the access log"
    assert line["method"] == "GET" and line["path"] == "/feed/" and line["status"] == 200
    assert line["user_agent"] == 'probe "agent"' and line["bytes"] > 0 and line["duration_ms"] >= 0
    assert line["cache"] in ("hit", "miss")


def test_workers_are_forked_from_a_warmed_master(instances):
    first, _second = instances
    warmed = re.search(r"warmed up before forking workers: (\{.*\})", first.log.read_text())
    assert warmed, "the master did not warm up before forking"
    assert "'templates': 0" not in warmed.group(1)
