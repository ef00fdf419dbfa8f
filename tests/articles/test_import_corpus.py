"""The whole legacy corpus (../shared/corpus), checked against Hexo's own parser.

``../shared/tools/hexo-oracle`` runs hexo-front-matter 5.0.0 (the parser Hexo uses) over every
file; the importer must fail exactly the files Hexo rejects and agree with it on every other
post's title, categories, tags and date.
"""

import json
import shutil
import subprocess
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath

import pytest

from articles.models import Article, ProjectMention
from articles.selectors import article_categories, article_tags, article_with_relations
from articles.services.importing import posts_import, report_summary
from articles.services.importing.identity import identity_key
from tests.conftest import CORPUS

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]
ORACLE = CORPUS.parent / "tools" / "hexo-oracle"


@pytest.fixture(scope="module")
def hexo_oracle():
    """How Hexo reads every file of the corpus: {path: fields | {"error": ...}}."""
    if not CORPUS.is_dir() or not ORACLE.exists() or shutil.which("node") is None:
        pytest.skip("the corpus, ../shared/tools/hexo-oracle or node is missing")
    try:
        output = subprocess.run(
            [str(ORACLE), str(CORPUS)], capture_output=True, text=True, timeout=900, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        # It installs hexo-front-matter with npm on first use, which needs the network.
        pytest.skip(f"hexo-oracle could not run: {error}")
    return json.loads(output.stdout)


def js_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def names(value):
    """Category or tag names as the post spells them (Hexo keeps each post's own spelling)."""
    if value is None:
        return set()
    items = value if isinstance(value, list) else [value]
    flat = set()
    for item in items:
        flat |= names(item) if isinstance(item, list) else {js_string(item).strip()} - {""}
    return flat


def expected_title(path, fields):
    title = " ".join(line.strip() for line in js_string(fields.get("title")).split("\n")).strip()
    return title or PurePosixPath(path).stem.strip() or "无标题"


def expected_date(value):
    """The date as Hexo reads it, or None where Hexo falls back to the file's time."""
    if not isinstance(value, str) or value == "Invalid Date":
        return None
    if value.endswith("Z"):  # hexo-front-matter already read it: ISO 8601 in UTC
        return datetime.fromisoformat(value)
    try:
        return parsedate_to_datetime(value)  # RFC 2822, read later by JavaScript's Date
    except (TypeError, ValueError):
        return None


def test_every_post_imports_and_only_the_files_hexo_rejects_fail(corpus, hexo_oracle):
    results = {r.path: r for r in posts_import(inputs=[corpus], workers=2)}
    assert set(results) == set(hexo_oracle)
    rejected = {path for path, fields in hexo_oracle.items() if "error" in fields}
    not_posts = {path for path, fields in hexo_oracle.items() if set(fields) == {"body_chars"}}
    assert (len(results) - len(not_posts), len(rejected), len(not_posts)) == (1450, 16, 4)

    assert {path for path, r in results.items() if r.status == "failed"} == rejected
    for path in rejected:
        error = results[path].error
        assert error.startswith("YAML front matter 有误：") and "行，第" in error, (path, error)
    assert {path for path, r in results.items() if r.status == "skipped"} == not_posts
    assert report_summary(results.values())["created"] == 1434

    keys = {identity_key(path): path for path in hexo_oracle}
    articles = {keys[a.legacy_path]: a for a in article_with_relations(Article.objects.all())}
    assert len(articles) == 1434
    disagreements = []
    for path, article in articles.items():
        fields = hexo_oracle[path]
        date = expected_date(fields.get("date"))
        checks = {
            "title": (article.title, expected_title(path, fields)),
            "draft": (article.status == Article.Status.DRAFT, not js_string(fields.get("title")).strip()),
            "categories": (
                {c.name for c in article_categories(article=article)},
                names(fields.get("categories")),
            ),
            "tags": ({t.name for t in article_tags(article=article)}, names(fields.get("tags"))),
            "date": (article.published_at if date else "file time", date or "file time"),
        }
        disagreements += [(path, key, ours, hexos) for key, (ours, hexos) in checks.items() if ours != hexos]
        if date is None:
            assert any(w.startswith("date 值") for w in results[path].warnings), path
    assert disagreements == []

    again = list(posts_import(inputs=[corpus]))
    assert report_summary(again) == {
        "created": 0,
        "updated": 0,
        "unchanged": 1434,
        "skipped": 4,
        "failed": 16,
        "warnings": 4,
        "date_unverified": 4,
    }
    assert Article.objects.count() == 1434
    assert ProjectMention.objects.count() == 17 + 5  # hexo-36kr, and the seed post


def test_with_the_corpus_imported_the_home_page_leads_with_real_news_with_real_dates(corpus, client):
    results = list(posts_import(inputs=[corpus], workers=2))
    undated = {r.article_id for r in results if r.date_unverified}
    assert len(undated) == 4
    assert Article.objects.filter(pk__in=undated, status=Article.Status.REVIEW).count() == 4
    newest = list(Article.objects.published().order_by("-published_at")[:10])
    assert not {a.pk for a in newest} & undated
    # Each has a date of its own (its title-and-date fingerprint), none the file's time.
    assert all(not a.date_unverified and a.legacy_fingerprint for a in newest)
    page = client.get("/").content.decode()
    assert newest[0].title in page
    for article in Article.objects.filter(pk__in=undated):
        assert f"/p/{article.pk}/" not in page
