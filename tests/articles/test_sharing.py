"""Sharing an article: Weibo link, copy-link field, WeChat QR code made on the server."""

from __future__ import annotations

import html as html_lib
from urllib.parse import parse_qs, urlsplit

import pytest

from articles.models import Article
from articles.site.sharing import qr_svg
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_an_article_page_offers_weibo_wechat_and_copy_link(client, settings):
    article = ArticleFactory(title="芯片公司完成融资 & 扩产")
    page = client.get(article.get_absolute_url()).content.decode()
    share = page.split('<aside class="share"', 1)[1].split("</aside>", 1)[0]
    url = f"{settings.MASTHEAD_SITE_URL}/p/{article.pk}/"
    weibo = html_lib.unescape(share.split('class="share-weibo" href="', 1)[1].split('"', 1)[0])
    assert urlsplit(weibo).netloc == "service.weibo.com"
    assert parse_qs(urlsplit(weibo).query) == {"url": [url], "title": ["芯片公司完成融资 & 扩产"]}
    assert f'src="/p/{article.pk}/qr.svg"' in share and "微信" in share
    assert f'value="{url}" readonly' in share
    assert "<script>" not in page and 'src="/static/js/share.js"' in page


def test_the_qr_code_is_an_svg_of_the_article_address_and_is_cached(client, settings, django_assert_num_queries):
    article = ArticleFactory()
    response = client.get(f"/p/{article.pk}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(f"{settings.MASTHEAD_SITE_URL}/p/{article.pk}/")
    assert response.content.startswith(b"<svg") and b"<script" not in response.content
    with django_assert_num_queries(0):
        assert client.get(f"/p/{article.pk}/qr.svg")["X-Cache"] == "hit"


def test_no_qr_code_for_articles_readers_cannot_see(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(f"/p/{draft.pk}/qr.svg").status_code == 404
    assert client.get("/p/999999/qr.svg").status_code == 404
