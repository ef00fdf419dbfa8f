"""Which article a legacy post is, whatever route it arrived by, and what importing it would do.

A post's **key** is its path under a Hexo site's ``_posts/`` (or ``_drafts/``) folder when it has
one (``_posts/科技/芯片.md``), so the same site imported as a directory, as a ``.zip`` with another
root or file by file keys the same; otherwise the path under the import root. A post whose key
is not known yet is matched, in this order, by:

* ``content``: an article imported from the very same bytes (the file's SHA-256);
* ``title_date``: the same front-matter title and date (``legacy_fingerprint``; only posts whose
  date is their own, never the file time, have one);
* ``permalink``: the same front-matter ``permalink``.

Two posts that only share a title differ in date and stay two articles. An article keyed or
matched earlier in the same run is never matched again (a corpus that holds one post twice
under two keys imports it twice, as before), and a fingerprint shared by several articles
matches none of them. ``import_action`` is the one decision of what writing a post does to its
article; the dry run and the writer both ask it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article

HEXO_FOLDERS = ("_posts", "_drafts")
MATCHED_BY_LABELS = {
    "path": gettext_lazy("路径"),
    "content": gettext_lazy("内容相同"),
    "title_date": gettext_lazy("标题和日期"),
    "permalink": gettext_lazy("固定链接"),
}


def identity_key(path: str) -> str:
    """The key of the post at ``path`` (relative, ``/``-separated): see the module docstring."""
    parts = path.split("/")
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in HEXO_FOLDERS:
            return "/".join(parts[index:])
    return path


def post_fingerprint(*, title: str, published_at: datetime) -> str:
    """A stable fingerprint of a post's own title and date (the instant, whatever its offset)."""
    instant = published_at.astimezone(UTC).isoformat(timespec="seconds")
    return hashlib.sha256(f"{title}\x00{instant}".encode()).hexdigest()


@dataclass(slots=True)
class ImportRun:
    """What one import has keyed or matched so far (never matched again in the same run)."""

    keys: set[str] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Match:
    article: Article
    matched_by: str  # a key of MATCHED_BY_LABELS


@dataclass(frozen=True, slots=True)
class Wanted:
    """What is known of a post before matching: its key, digest, and (once parsed) fingerprint."""

    key: str
    digest: str
    fingerprint: str = ""
    permalink: str = ""  # only a front-matter permalink


MATCH_FIELDS = ("id", "legacy_path", "legacy_hash", "version", "legacy_version", "date_unverified")
FINGERPRINT_FIELDS = ("legacy_fingerprint", "legacy_permalink", "legacy_permalink_own")


def _unique(rows: Iterable[tuple[str, int, str]], run: ImportRun) -> dict[str, int]:
    """``value -> pk`` for ``rows`` of (value, pk, legacy path), leaving out the articles this
    run keyed or claimed and the values several of the others share (ambiguous)."""
    found: dict[str, int | None] = {}
    for value, pk, legacy_path in rows:
        if pk in run.claimed or legacy_path in run.keys:
            continue
        found[value] = None if value in found else pk
    return {value: pk for value, pk in found.items() if pk is not None}


def articles_match(
    *, wanted: list[Wanted], run: ImportRun, by_content: bool = True, lock: bool = False
) -> dict[str, Match]:
    """The existing article of each post in ``wanted``, by key (see the module docstring).

    Four queries at most, however many posts: the candidates by content, fingerprint or
    permalink are read as values, and only the articles they match are loaded (an article this
    run already claimed, such as an earlier copy of the same file, is never built). ``lock``
    selects the matched rows ``FOR UPDATE`` (the writer). Does not change ``run``: the caller
    claims what it writes (``run_claim``).
    """
    articles = Article.objects.select_for_update() if lock else Article.objects.only(*MATCH_FIELDS)
    matches = {
        article.legacy_path: Match(article, "path")
        for article in articles.filter(legacy_path__in=[w.key for w in wanted])
    }
    rest = [w for w in wanted if w.key not in matches]
    if not rest:
        return matches
    if not lock:
        articles = articles.only(*MATCH_FIELDS, *FINGERPRINT_FIELDS)
    found: dict[str, tuple[int, str]] = {}  # key -> (pk, how it matched)
    if by_content:
        digests = Article.objects.filter(legacy_hash__in=[w.digest for w in rest])
        by_digest = _unique(digests.values_list("legacy_hash", "pk", "legacy_path"), run)
        for w in rest:
            if w.digest in by_digest:
                found[w.key] = (by_digest[w.digest], "content")
    rest = [w for w in rest if w.key not in found]
    fingerprints = [w.fingerprint for w in rest if w.fingerprint]
    permalinks = [w.permalink for w in rest if w.permalink]
    if fingerprints or permalinks:
        own_permalinks = Q(legacy_permalink__in=permalinks, legacy_permalink_own=True)
        candidates = list(
            Article.objects.filter(Q(legacy_fingerprint__in=fingerprints) | own_permalinks).values_list(
                "pk", "legacy_path", "legacy_fingerprint", "legacy_permalink", "legacy_permalink_own"
            )
        )
        by_fingerprint = _unique(((fp, pk, path) for pk, path, fp, _l, _o in candidates if fp), run)
        by_permalink = _unique(((link, pk, path) for pk, path, _f, link, own in candidates if own), run)
        taken: set[int] = set()
        for w in rest:
            if w.fingerprint in by_fingerprint and by_fingerprint[w.fingerprint] not in taken:
                found[w.key] = (by_fingerprint[w.fingerprint], "title_date")
            elif w.permalink in by_permalink and by_permalink[w.permalink] not in taken:
                found[w.key] = (by_permalink[w.permalink], "permalink")
            else:
                continue
            taken.add(found[w.key][0])
    if found:
        loaded = articles.in_bulk([pk for pk, _how in found.values()])
        for key, (pk, how) in found.items():
            matches[key] = Match(loaded[pk], how)
    return matches


def run_claim(run: ImportRun, key: str, article_id: int | None) -> None:
    run.keys.add(key)
    if article_id is not None:
        run.claimed.add(article_id)


def import_action(*, article: Article | None, digest: str, overwrite: bool) -> str:
    """What importing a post with ``digest`` does to ``article`` (its match, or None).

    ``created`` (no article), ``unchanged`` (imported from the same bytes), ``skipped`` (an
    editor saved it since its import, and not ``overwrite``) or ``updated``.
    """
    if article is None:
        return "created"
    if article.legacy_hash == digest:
        return "unchanged"
    if article.version != article.legacy_version and not overwrite:
        return "skipped"
    return "updated"


def skipped_warning() -> str:
    return _("导入后编辑改动过这篇文章：未覆盖（需要覆盖请加 --overwrite）")
