"""Stored XSS: a corpus of public cheat-sheet vectors (tests/fixtures/xss_vectors.txt) pushed
through every write path (the importer, the admin form, autosave, the admin API), then every
reader page type, feed, sitemap and API answer read with a real HTML parser (feeds with
feedparser, their HTML fields rendered as a feed reader renders them, without its sanitizer)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from django.test import Client

from articles import selectors
from articles.api.models import ContentKey  # noqa: F401  (the content key model is loaded)
from articles.models import Article, ArticleAutosave, Category
from articles.services.api_access import content_key_create, staff_token_create
from articles.services.importing.pipeline import posts_import
from tests.articles.test_admin_editorial import form_data

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "fixtures" / "xss_vectors.txt"
VECTORS = [
    line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("# ")
]
CHUNK = 12
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text", "livescript:")
# Attributes a browser follows as URLs (text such as a meta description may say anything).
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "cite", "data", "poster", "background",
    "xlink:href", "data-logo", "ping", "manifest", "icon", "lowsrc", "dynsrc",
}  # fmt: skip
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "base", "applet", "svg", "math"}


def test_the_corpus_has_at_least_a_hundred_vectors():
    assert len(VECTORS) >= 100 and len(set(VECTORS)) == len(VECTORS)


# The site's own scripts, served from static files (the copy-link button on article pages).
OWN_SCRIPTS = {"/static/js/share.js"}

class _Checker(HTMLParser):
    """Every element and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_type: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._script_type = (attributes.get("type") or "").lower()
            self._script_text = []
            own = attributes.get("src") in OWN_SCRIPTS and not self._script_type
            if not own and (self._script_type != "application/ld+json" or "src" in attributes):
                self.problems.append(f"script element {attrs}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style" and value and ("expression" in value.lower() or "url(" in value.lower()):
                self.problems.append(f"<{tag} style={value!r}>")
            meta_url = tag == "meta" and name == "content" and (
                (attributes.get("property") or attributes.get("name") or "").endswith((":url", ":image", ":video"))
            )
            if name not in URL_ATTRIBUTES and not meta_url:
                continue
            squeezed = "".join((value or "").split()).lower()
            squeezed = "".join(character for character in squeezed if ord(character) > 0x20)
            candidates = [squeezed] + [part.strip() for part in squeezed.split(",")]
            if any(candidate.startswith(DANGEROUS_SCHEMES) for candidate in candidates):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._script_type is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_type is not None:
            if self._script_type == "application/ld+json":
                try:
                    json.loads("".join(self._script_text))
                except ValueError:
                    self.problems.append("JSON-LD broken out of")
            self._script_type = None


def problems(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def _chunks() -> list[list[str]]:
    return [VECTORS[start : start + CHUNK] for start in range(0, len(VECTORS), CHUNK)]


def _import(write_post) -> None:
    for number, chunk in enumerate(_chunks()):
        front = {
            "title": chunk[0],
            "date": f"2024-03-{number + 1:02d} 10:00:00",
            "excerpt": chunk[1],
            "categories": ["资讯", chunk[2]],
            "tags": [chunk[3], chunk[4]],
        }
        lines = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items())
        body = "\n\n".join([f"文 | {chunk[5][:40]}", *chunk, *(f"`{vector}`" for vector in chunk)])
        write_post(f"xss/{number}.md", f"---\n{lines}\n---\n{body}\n")
    results = list(posts_import(inputs=[write_post.root]))
    assert {result.status for result in results} == {"created"}, [r for r in results if r.status != "created"]


def _admin_form(client: Client) -> None:
    # Categories are picked from the managed list (ids), never typed.
    section = Category.objects.get_or_create(name="资讯")[0].pk
    for chunk in _chunks()[:4]:
        data = form_data(
            title=chunk[0][:500],
            body="".join(chunk),
            excerpt=chunk[1],
            status=Article.Status.PUBLISHED,
            published_at_0="2024-04-01",
            published_at_1="10:00:00",
            head_image_alt=chunk[2][:300],
            categories=[str(section)],
            source=chunk[3][:200],
        )
        response = client.post("/admin/articles/article/add/", data)
        assert response.status_code == 302, re.findall(r"(?s)<ul class=\"errorlist[^>]*>.*?</ul>|<p class=\"errornote\">.*?</p>", response.content.decode())


def _autosave(client: Client) -> None:
    article = Article.objects.filter(status=Article.Status.PUBLISHED).first()
    url = f"/admin/articles/article/{article.pk}/autosave/"
    for chunk in _chunks():
        payload = {"title": chunk[0], "body": "".join(chunk), "excerpt": chunk[1], "base_version": 1}
        assert client.post(url, json.dumps(payload), content_type="application/json").status_code == 200
        saved = client.get(url).json()["autosave"]
        assert problems(saved["body"]) == [], saved["body"]
    assert ArticleAutosave.objects.exists()
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200


def _admin_api(client: Client, user) -> None:
    token = staff_token_create(user=user, name="xss")[1]
    headers = {"Authorization": f"Bearer {token}"}
    for chunk in _chunks()[:4]:
        created = client.post(
            "/api/v1/admin/articles",
            json.dumps({"title": chunk[0][:500], "body": "".join(chunk), "excerpt": chunk[1], "tags": [chunk[2][:100]]}),
            content_type="application/json",
            headers=headers,
        )
        assert created.status_code == 201, created.content
        published = client.post(
            f"/api/v1/admin/articles/{created.json()['id']}/publish",
            json.dumps({"published_at": "2024-05-01T10:00:00+08:00"}),
            content_type="application/json",
            headers=headers,
        )
        assert published.status_code == 200, published.content


def _reader_urls() -> list[str]:
    urls = ["/", "/?page=2", "/archive/", "/p/999999/"]
    urls += [article.get_absolute_url() for article in Article.objects.published()]
    urls += sorted({f"/archive/{row['month']:%Y/%m}/" for row in selectors.archive_months()})
    for owner in [
        *selectors.category_list_published(),
        *selectors.author_list_published(),
        *selectors.project_list_published(),
    ]:
        url = owner.get_absolute_url()
        urls += [url]
    urls += [tag.get_absolute_url() for tag in selectors.tag_list_published()]
    return urls


def _feed_urls() -> list[str]:
    owners = [
        *selectors.category_list_published(),
        *selectors.author_list_published(),
        *selectors.project_list_published(),
    ]
    return ["/feed/", "/feed/atom/"] + [o.get_absolute_url() + s for o in owners for s in ("feed/", "feed/atom/")]


def _feed_html_fields(node) -> list[str]:
    values = [
        node[key]
        for key in ("title", "subtitle", "summary", "rights")
        if node.get(f"{key}_detail") and node[f"{key}_detail"].type in {"text/html", "application/xhtml+xml"}
    ]
    return values + [content.value for content in node.get("content", [])]


def test_the_corpus_through_every_write_path_shows_nowhere_as_live_markup(write_post, admin_user, settings):
    admin = Client()
    admin.force_login(admin_user)
    _import(write_post)
    _admin_form(admin)
    _autosave(admin)
    _admin_api(Client(), admin_user)
    assert Article.objects.published().count() >= len(_chunks()) + 8

    reader = Client()
    for url in _reader_urls():
        response = reader.get(url)
        assert response.status_code in (200, 404), url
        assert problems(response.content.decode()) == [], url

    for url in _feed_urls():
        response = reader.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content, sanitize_html=False)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        for node in [feed.feed, *feed.entries]:
            for html in _feed_html_fields(node):
                assert problems(html) == [], (url, html)

    for url in ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-categories.xml", "/sitemap-tags.xml"]:
        assert reader.get(url).status_code == 200, url

    _key, secret = content_key_create(name="xss")
    listing = reader.get("/api/v1/articles", {"fields": "id,title,excerpt,body_html", "limit": 100},
                         headers={"X-Masthead-Key": secret})
    assert listing.status_code == 200
    for item in listing.json()["items"]:
        assert problems(item["body_html"]) == [], item["id"]
