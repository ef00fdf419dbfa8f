"""Credits from bylines: ``<p>文 | 苏建勋</p>`` becomes a writer credit and leaves the body."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from django.db import router
from django.db.models.signals import post_save

from articles.models import Article, Author, Credit, unicode_slug

# Byline labels as newsrooms write them, mapped to credit roles.
BYLINE_ROLES: dict[str, str] = {
    "文": Credit.Role.WRITER,
    "作者": Credit.Role.WRITER,
    "撰文": Credit.Role.WRITER,
    "文字": Credit.Role.WRITER,
    "记者": Credit.Role.REPORTER,
    "采访": Credit.Role.REPORTER,
    "编辑": Credit.Role.EDITOR,
    "责编": Credit.Role.EDITOR,
    "责任编辑": Credit.Role.EDITOR,
    "题图": Credit.Role.PHOTO,
    "图": Credit.Role.PHOTO,
    "摄影": Credit.Role.PHOTO,
    "来源": Credit.Role.SOURCE,
    "翻译": Credit.Role.TRANSLATOR,
    "译者": Credit.Role.TRANSLATOR,
    "编译": Credit.Role.TRANSLATOR,
}

_LABELS = "|".join(sorted(map(re.escape, BYLINE_ROLES), key=len, reverse=True))
# A byline is a paragraph whose whole text is "label | names" (half- or full-width bar).
_BYLINE_TEXT = re.compile(rf"^\s*(?P<label>{_LABELS})\s*[|｜丨]\s*(?P<names>\S.{{0,79}}?)\s*$")
_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(?P<inner>.*?)</p>\s*", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NAME_SEPARATORS = re.compile(r"\s*(?:[、，,/／;；&]|\s{2,}|\s+和\s+)\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")
# SwiftGG's header: "原文链接=… 作者=… 原文日期=… 译者=…" (lines, joined by cleaning).
_HEADER_ROLES: dict[str, str] = {"作者": Credit.Role.WRITER, "译者": Credit.Role.TRANSLATOR}
_FIELD = r"[^\s=<>]{1,8}=\S.*?"
_HEADER = re.compile(rf"\s*{_FIELD}(?:\s+{_FIELD})*\s*", re.DOTALL)
_HEADER_FIELD = re.compile(r"([^\s=<>]{1,8})=(\S.*?)(?=\s+[^\s=<>]{1,8}=|\s*$)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Byline:
    role: str
    name: str


def _split_names(names: str) -> list[str]:
    result = []
    for part in _NAME_SEPARATORS.split(names):
        # "苏建勋 杨轩": single spaces separate Chinese names but belong inside Latin ones.
        if _CJK.search(part) and " " in part:
            result.extend(part.split())
        elif part:
            result.append(part)
    return [name[:100] for name in result if name]


def _header_fields(match: re.Match[str], bylines: list[Byline]) -> str:
    """A SwiftGG header paragraph (``作者=Mattt 译者=雨谨 校对=…``, one field a line): its
    ``作者=`` and ``译者=`` fields become bylines and leave it; the others stay."""
    inner = match.group("inner")
    fields = _HEADER_FIELD.findall(inner)
    if "<" in inner or not _HEADER.fullmatch(inner) or not any(k in _HEADER_ROLES for k, _v in fields):
        return match.group(0)
    kept = []
    for key, value in fields:
        if key in _HEADER_ROLES:
            names = html_lib.unescape(value).replace("\xa0", " ")
            bylines.extend(Byline(role=_HEADER_ROLES[key], name=name) for name in _split_names(names))
        else:
            kept.append(f"{key}={value}")
    return f"<p>{' '.join(kept)}</p>" if kept else ""


def bylines_extract(html: str) -> tuple[str, list[Byline]]:
    """Split byline paragraphs out of ``html``: ``文 | 苏建勋`` paragraphs, and the ``作者=`` /
    ``译者=`` lines of a SwiftGG header paragraph.

    Returns the body without them and the bylines in reading order. Pure.
    """
    without, bylines, _cut = bylines_cut(html)
    return without, bylines


def bylines_cut(html: str) -> tuple[str, list[Byline], list[tuple[int, int, str]]]:
    """``bylines_extract``, and where the body was cut: for each paragraph taken out or
    rewritten (a header paragraph keeps its other fields), its (start, end) in ``html`` and
    what replaced it ("" when taken out), in order. Pure."""
    has_bars = "|" in html or "｜" in html or "丨" in html
    if not has_bars and "=" not in html:
        return html, [], []
    bylines: list[Byline] = []
    cuts: list[tuple[int, int, str]] = []

    def take(match: re.Match[str]) -> str:
        if "=" in match.group("inner") and (header := _header_fields(match, bylines)) != match.group(0):
            cuts.append((*match.span(), header))
            return header
        if not has_bars:
            return match.group(0)
        text = html_lib.unescape(_TAG.sub("", match.group("inner"))).replace("\xa0", " ")
        found = _BYLINE_TEXT.match(text)
        if not found:
            return match.group(0)
        role = BYLINE_ROLES[found.group("label")]
        bylines.extend(Byline(role=role, name=name) for name in _split_names(found.group("names")))
        cuts.append((*match.span(), ""))
        return ""

    return _PARAGRAPH.sub(take, html), bylines, cuts


def authors_get_or_create(*, names: list[str]) -> dict[str, Author]:
    """Authors by name, creating the missing ones with unique unicode slugs (the name's slug,
    else ``<slug>-2``, ``-3`` ...) in one insert. Each new author's ``post_save`` is sent as
    its own save would send it (the reader cache and the search dictionary follow names)."""
    wanted = list(dict.fromkeys(names))
    authors = {a.name: a for a in Author.objects.filter(name__in=wanted)}
    missing = [name for name in wanted if name not in authors]
    if not missing:
        return authors
    bases = {name: unicode_slug(name, fallback_prefix="author") for name in missing}
    taken = set(Author.objects.filter(slug__in=set(bases.values())).values_list("slug", flat=True))
    new = []
    for name in missing:
        base = bases[name]
        slug, n = base, 1
        # Numbered slugs are rare: those are looked up one by one, as they come.
        while slug in taken or (n > 1 and Author.objects.filter(slug=slug).exists()):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        new.append(Author(name=name, slug=slug))
    created = Author.objects.bulk_create(new)
    if any(author.pk is None for author in created):  # a database that returns no ids
        created = list(Author.objects.filter(name__in=missing))
    database = router.db_for_write(Author)
    for author in created:
        authors[author.name] = author
        post_save.send(
            sender=Author, instance=author, created=True, update_fields=None, raw=False, using=database
        )
    return authors


def credits_add(*, article: Article, bylines: list[Byline]) -> list[Credit]:
    """Add credits for ``bylines`` after the article's existing ones; duplicates are skipped."""
    if not bylines:
        return []
    authors = authors_get_or_create(names=[b.name for b in bylines])
    existing = set(article.credits.values_list("author_id", "role"))
    return Credit.objects.bulk_create(
        credits_build(article=article, bylines=bylines, authors=authors, existing=existing)
    )


def credits_build(
    *,
    article: Article,
    bylines: list[Byline],
    authors: dict[str, Author],
    existing: set[tuple[int, str]] | None = None,
) -> list[Credit]:
    """Unsaved credits for ``bylines``: one per (author, role), in byline order, after the
    ``existing`` (author id, role) pairs, which are skipped. ``authors`` by name. Pure."""
    taken = set(existing or ())
    credits = []
    for byline in bylines:
        key = (authors[byline.name].pk, byline.role)
        if key in taken:
            continue
        taken.add(key)
        credits.append(Credit(article=article, author_id=key[0], role=byline.role, order=len(taken) - 1))
    return credits
