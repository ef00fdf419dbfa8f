"""Content keys, anonymous access, rate limits, ETag/304 and the fixed query cost of every
endpoint."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from articles.api import ratelimit
from articles.api.models import ContentKey
from articles.services.api_access import content_key_create, credentials_revoke
from articles.services.articles import article_save
from tests.factories import ArticleFactory, AuthorFactory, CreditFactory

pytestmark = pytest.mark.django_db


def test_no_key_is_refused_with_a_message_saying_where_the_key_goes(client, reader_site):
    response = client.get("/api/v1/articles")
    assert response.status_code == 401
    assert "X-Masthead-Key" in response.json()["detail"]


def test_a_wrong_key_is_refused(client, reader_site):
    for secret in ("mhc_wrong", "nonsense", "mhc_" + "x" * 500, "mhc_\x00"):
        assert client.get("/api/v1/articles", {"key": secret}).status_code == 401


def test_key_in_query_string_or_header(client, reader_site, api_key):
    assert client.get("/api/v1/articles", {"key": api_key}).status_code == 200
    assert client.get("/api/v1/articles", headers={"X-Masthead-Key": api_key}).status_code == 200


def test_keys_are_stored_hashed_and_noted_when_used(client, reader_site):
    key, secret = content_key_create(name="合作方")
    assert secret.startswith("mhc_") and len(secret) > 40
    stored = ContentKey.objects.get(pk=key.pk)
    assert secret not in (stored.digest, stored.prefix) and stored.prefix == secret[:10]
    assert stored.last_used_at is None
    client.get("/api/v1/articles", {"key": secret})
    assert ContentKey.objects.get(pk=key.pk).last_used_at is not None


def test_a_revoked_key_stops_working_at_once_though_its_answer_was_cached(client, reader_site):
    key, secret = content_key_create(name="旧 App")
    assert client.get("/api/v1/articles", {"key": secret}).status_code == 200
    credentials_revoke(credentials=ContentKey.objects.filter(pk=key.pk))
    assert client.get("/api/v1/articles", {"key": secret}).status_code == 401


def test_anonymous_access_is_off_by_default_and_can_be_turned_on(client, reader_site, settings):
    assert client.get("/api/v1/articles").status_code == 401
    settings.ARTICLES_API_ANONYMOUS = True
    response = client.get("/api/v1/articles")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    # A bad key is still refused: it is a mistake to report, not a reason to go anonymous.
    assert client.get("/api/v1/articles", {"key": "mhc_wrong"}).status_code == 401


def test_each_key_has_its_own_rate_limit(client, reader_site, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_000_040.0)
    _key, limited = content_key_create(name="小流量", rate_limit=3)
    _key, other = content_key_create(name="另一把")
    for _ in range(3):
        assert client.get("/api/v1/tags", {"key": limited}).status_code == 200
    response = client.get("/api/v1/tags", {"key": limited})
    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert client.get("/api/v1/tags", {"key": other}).status_code == 200
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_000_080.0)  # the next minute
    assert client.get("/api/v1/tags", {"key": limited}).status_code == 200


def test_anonymous_readers_are_limited_per_address(client, reader_site, settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 2_000_000.0)
    settings.ARTICLES_API_ANONYMOUS = True
    settings.ARTICLES_API_ANONYMOUS_RATE_LIMIT = 2
    assert [client.get("/api/v1/tags").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/tags", REMOTE_ADDR="10.0.0.9").status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path: Path):
    """A redis-server of this test's own on a free port (the shared one is never flushed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is needed for this test: apt-get install redis-server")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_rate_limits_count_in_redis_too(client, reader_site, own_redis, monkeypatch):
    monkeypatch.setattr(ratelimit, "_clock", lambda: 3_000_000.0)
    redis_cache = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": own_redis}}
    with override_settings(CACHES=redis_cache):
        try:
            _key, secret = content_key_create(name="Redis", rate_limit=2)
            statuses = [client.get("/api/v1/tags", {"key": secret}).status_code for _ in range(3)]
            assert statuses == [200, 200, 429]
            assert any(
                key.startswith(b":1:articles:api-rate:")
                for key in caches["default"].client.get_client().keys("*")
            )
        finally:
            caches["default"].close()


def test_answers_carry_an_etag_and_revalidate_with_304(api, reader_site):
    first = api("/articles")
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    again = api("/articles", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert api("/articles", limit="1")["ETag"] != etag  # another question, another answer


def test_a_304_costs_no_query_and_a_repeat_comes_from_the_cache(api, reader_site, django_assert_num_queries):
    etag = api("/articles")["ETag"]
    with django_assert_num_queries(0):
        assert api("/articles", headers={"If-None-Match": etag}).status_code == 304
        assert api("/articles").status_code == 200


def test_any_content_change_makes_a_new_etag_and_fresh_answers(api, reader_site):
    article = reader_site.published[0]
    etag = api(f"/articles/{article.pk}")["ETag"]
    article.title = "云栖科技发布边缘计算新品（更正）"
    article_save(article=article)
    response = api(f"/articles/{article.pk}", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["article"]["title"] == "云栖科技发布边缘计算新品（更正）"


def test_the_key_is_not_in_shared_cached_answers(client, reader_site):
    _key, first = content_key_create(name="一")
    _key, second = content_key_create(name="二")
    body = client.get("/api/v1/articles", {"key": first, "limit": "1"}).content.decode()
    assert first not in body and "next" in body
    assert first not in client.get("/api/v1/articles", {"key": second, "limit": "1"}).content.decode()


def _more_articles(count: int) -> None:
    for n in range(count):
        article = article_save(
            article=ArticleFactory.build(
                body=f'<p>第 {n} 篇。<a class="project-link" data-id="77{n}" data-name="项目{n}" href="https://x.example.com/">项目</a></p>'
            ),
            categories=[f"栏目{n}", "资讯"],
            tags=[f"标签{n}"],
        )
        CreditFactory(article=article, author=AuthorFactory())


ENDPOINTS = [
    ("/articles", 6),
    ("/articles?include=authors,projects&fields=id,credits,projects,body_html", 4),
    ("/articles?category=资讯&tag=企业服务&author=苏建勋&project=8301&published_after=2020-01-01", 6),
    ("/authors", 1),
    ("/categories", 1),
    ("/tags", 1),
    ("/projects", 1),
    ("/authors/{author}", 1),
    ("/categories/{category}", 1),
    ("/tags/企业服务", 1),
    ("/projects/8301", 1),
    ("/articles/{article}", 6),
]


def test_every_endpoint_costs_a_fixed_number_of_queries_whatever_the_number_of_articles(
    api, reader_site, django_assert_max_num_queries
):
    for extra in (0, 20):
        _more_articles(extra)
        # Once per key (cached after) and once per content generation, not per request: the
        # key lookup and the probe for the next scheduled article.
        api("/tags", limit="1")
        for path, budget in ENDPOINTS:
            path = path.format(
                author=reader_site.writer.slug,
                category=reader_site.category.slug,
                article=reader_site.imported.pk,
            )
            with django_assert_max_num_queries(budget, info=path):
                response = api(path)
            assert response.status_code == 200, (path, response.content)
