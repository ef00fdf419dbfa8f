"""Keeping the index in step with articles: one function, ``documents_update``.

Every write path calls it inside its own transaction, after the article and what it derives
(credits, categories, tags, mentions) are written, so the index commits or rolls back with the
article: ``article_save`` (admin, API, publishing, unpublishing, revision restore) and the
importer's batch writer. ``documents_rebuild`` (``manage.py search_rebuild``) redoes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import NamedTuple

from articles.search.dictionary import dictionary_changed, dictionary_ensure, words_add
from articles.search.models import SearchDocument
from articles.search.text import (
    collapse_spaces,
    index_names,
    index_text,
    normalize,
    normalize_names,
    searched_html,
    single_characters,
    tables_load,
)
from articles.text import visible_text

# The surrogate key of every search answer (pages and API): purged when the index changes.
SEARCH_KEY = "search"
REBUILD_BATCH = 500


@dataclass(slots=True)
class DocumentNames:
    """The names an article's document adds to its own text: its authors', its categories'
    and tags', its projects'."""

    credits: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)


def _names(ids: list[int]) -> dict[int, DocumentNames]:
    from articles.models import CategorizedArticle, Credit, ProjectMention, TaggedArticle

    names: dict[int, DocumentNames] = {pk: DocumentNames() for pk in ids}
    credits = Credit.objects.filter(article_id__in=ids).values_list("article_id", "author__name")
    for article_id, name in credits:
        names[article_id].credits.append(name)
    for through in (CategorizedArticle, TaggedArticle):
        for article_id, name in through.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"
        ):
            names[article_id].labels.append(name)
    for article_id, name in (
        ProjectMention.objects.filter(article_id__in=ids)
        .order_by("article_id", "position")
        .values_list("article_id", "project__name")
    ):
        if name not in names[article_id].projects:
            names[article_id].projects.append(name)
    return names


class DocumentText(NamedTuple):
    """The costly part of a search document: an article's own title, excerpt and body,
    normalised and segmented (``document_text``). It needs no database and no names but those
    of the dictionary, so the importer builds it on its parsing workers, where the body is
    already in hand; ``document_build`` adds the names and makes the document."""

    title: str  # normalised
    title_tokens: str
    excerpt: str  # normalised
    excerpt_tokens: str
    body_tokens: str


def document_text(*, title: str, excerpt: str, body_html: str) -> DocumentText:
    """Normalise and segment an article's own text (pure, once the dictionary is loaded); of
    the body, what ``searched_html`` keeps (not its code listings)."""
    # The body's whitespace as it is: it only separates tokens (no need to collapse it).
    body = normalize(visible_text(searched_html(body_html)))
    title, excerpt = normalize(title), normalize(excerpt)
    return DocumentText(
        title=title,
        title_tokens=index_text(title),
        excerpt=excerpt,
        excerpt_tokens=index_text(excerpt),
        body_tokens=index_text(body),
    )


class DocumentValues(NamedTuple):
    """A search document's stored values, by ``SearchDocument``'s field names: what
    ``document_values`` builds and the backends' ``document_row`` reads (attributes as on the
    model, without making a model instance per imported article)."""

    article_id: int
    title: str
    summary: str
    projects: str
    body: str
    characters: str
    plain: str
    published_at: object
    public: bool


def document_values(
    *,
    article_id: int,
    title: str = "",
    excerpt: str = "",
    body_html: str = "",
    names: DocumentNames,
    published_at=None,
    public: bool,
    text: DocumentText | None = None,
) -> DocumentValues:
    """The values of one article's search document (pure, once the dictionary is loaded);
    ``document_build`` makes them a ``SearchDocument``.

    ``text``: its ``document_text`` when already built (the importer's workers); otherwise it
    is built here from ``title``, ``excerpt`` and ``body_html``. Either way the same document:
    tokens never cross a space (jieba cuts each run between spaces on its own), so the excerpt's
    tokens followed by the names' are the tokens of both. ``public``: the article's status is
    "published" (readers see it once ``published_at`` has passed)."""
    if text is None:
        text = document_text(title=title, excerpt=excerpt, body_html=body_html)
    summary = normalize_names(" ".join([*names.credits, *names.labels]))
    projects = normalize_names(" ".join(names.projects))
    # One-character queries find the characters of the short fields (like substrings, see
    # ``plain``); the body is found by its words only.
    characters = single_characters(" ".join([text.title, text.excerpt, summary, projects]))
    return DocumentValues(
        article_id=article_id,
        title=text.title_tokens,
        summary=" ".join(filter(None, [text.excerpt_tokens, index_names(summary)])),
        projects=index_names(projects),
        body=text.body_tokens,
        characters=characters,
        plain=collapse_spaces(" ".join([text.title, text.excerpt, projects])),
        published_at=published_at,
        public=public,
    )


def document_build(**arguments) -> SearchDocument:
    """The ``SearchDocument`` of one article: ``document_values(**arguments)`` as a model
    instance (same keyword arguments)."""
    return SearchDocument(**document_values(**arguments)._asdict())


class ArticleHeld(NamedTuple):
    """What a writer holds of an article it has just written with everything derived from it
    (new, or rewritten from its source): ``documents_update`` then reads none of it back. The
    names in the order their rows were written, as they are read back: credits' authors,
    categories then tags, projects of the mentions in body order (each once)."""

    published_at: object
    status: str
    names: DocumentNames


def documents_update(
    article_ids: Iterable[int],
    *,
    purge: bool = True,
    prebuilt: Mapping[int, DocumentText] | None = None,
    held: Mapping[int, ArticleHeld] | None = None,
) -> None:
    """Index (again) the articles ``article_ids``, or drop their documents when they are gone.

    Call it inside the transaction that wrote them. Names of their projects, authors,
    categories and tags join the user dictionary first (and every other process is told), so
    a company named for the first time in this very article is already one word. Six queries
    for any number of articles (one, the delete, when ``held`` and ``prebuilt`` cover them
    all), plus the insert. ``purge``: empty cached search answers
    (surrogate key ``search``); bulk writers that purge everything anyway pass ``False``.
    ``prebuilt``: the ``document_text`` of some of them by id, built where their text was in
    hand (the importer's parsing workers), so only the names are added here. ``held``: what
    the writer holds of some of them (``ArticleHeld``); when every article has both, no query
    reads them (the importer's batches of new posts).
    """
    from articles.caching import keys_changed

    ids = list(dict.fromkeys(int(pk) for pk in article_ids))
    if not ids:
        return
    dictionary_ensure()
    _documents_write(ids, prebuilt or {}, held or {})
    if purge:
        keys_changed({SEARCH_KEY})


_FIELDS = DocumentValues._fields


def _build(item: tuple, search_backend=None) -> tuple:
    """One document's row for ``_store``; ``search_backend``: the backend module, when the
    caller already has it."""
    from articles.models import Article
    from articles.search.backends import backend

    pk, title, excerpt, body, published_at, status, names, *text = item  # and its prebuilt text, if any
    document = document_values(
        article_id=pk,
        title=title,
        excerpt=excerpt,
        body_html=body,
        names=names,
        published_at=published_at,
        public=status == Article.Status.PUBLISHED,
        text=text[0] if text else None,
    )
    # Plain values travel between processes far cheaper than model instances. The backend adds
    # what it derives from them here, on the segmenting worker (PostgreSQL: the tsvector).
    return (search_backend or backend()).document_row(document, _FIELDS)


def _work(ids: list[int], *, text: bool = True) -> tuple[list[tuple], dict[int, object]]:
    """What building the documents of ``ids`` needs (the names join the dictionary), and each
    article's ``updated_at`` as read. ``text=False``: their title, excerpt and body are not
    read (their ``document_text`` is already built) and come back empty."""
    from articles.models import Article

    if text:
        columns = ("pk", "title", "excerpt", "body", "published_at", "status", "updated_at")
        rows = list(Article.objects.filter(pk__in=ids).values_list(*columns))
    else:
        columns = ("pk", "published_at", "status", "updated_at")
        found = Article.objects.filter(pk__in=ids).values_list(*columns)
        rows = [(pk, "", "", "", *rest) for pk, *rest in found]
    names = _names([row[0] for row in rows])
    _names_learn(names.values())
    return [(*row[:6], names[row[0]]) for row in rows], {row[0]: row[6] for row in rows}


def _names_learn(names: Iterable[DocumentNames]) -> None:
    """The names join the user dictionary (every other process is told when one is new)."""
    learned = [name for entry in names for name in (*entry.credits, *entry.labels, *entry.projects)]
    if words_add(learned):
        dictionary_changed(learned_here=True)


def _store(ids: list[int], built: list[tuple]) -> None:
    """Replace the documents of ``ids`` by ``built`` (rows as ``_build`` makes them): the one
    function that writes search documents."""
    from django.utils import timezone

    from articles.search.backends import backend

    SearchDocument.objects.filter(article_id__in=ids).delete()
    backend().documents_insert(_FIELDS, built, indexed_at=timezone.now())


def _documents_write(
    ids: list[int], prebuilt: Mapping[int, DocumentText], held: Mapping[int, ArticleHeld]
) -> None:
    from articles.search.backends import backend

    if all(pk in prebuilt and pk in held for pk in ids):
        _names_learn(held[pk].names for pk in ids)
        work = [(pk, "", "", "", held[pk].published_at, held[pk].status, held[pk].names) for pk in ids]
    else:
        work, _read_at = _work(ids, text=False) if all(pk in prebuilt for pk in ids) else _work(ids)
    search_backend = backend()
    _store(ids, [_build((*item, prebuilt.get(item[0])), search_backend) for item in work])


def _store_unless_changed(ids: list[int], built: list[tuple], read_at: dict[int, object]) -> None:
    """Store a rebuilt batch, leaving out articles saved since they were read (their own save
    indexed them)."""
    from django.db import transaction

    from articles.models import Article

    with transaction.atomic():
        current = dict(Article.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
        kept = [values for values in built if current.get(values[0]) == read_at.get(values[0])]
        _store([values[0] for values in kept] + [pk for pk in ids if pk not in current], kept)


def documents_rebuild(
    *,
    batch_size: int = REBUILD_BATCH,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Index every article again, ``batch_size`` at a time, each batch stored in its own
    transaction. With ``workers`` > 1 segmentation runs on that many processes (forked after the
    dictionary is loaded, so they cut text as this process does) while this one reads the next
    batch and stores the last. Calls ``progress(done, total)`` after each batch; returns how
    many were indexed. Articles saved meanwhile keep the document their save wrote."""
    import multiprocessing

    from django.db import connections, transaction

    from articles.caching import keys_changed
    from articles.models import Article
    from articles.search.backends import backend
    from articles.services.bulk_writes import bulk_writes

    dictionary_changed()
    dictionary_ensure()
    tables_load()  # before the workers fork: they share them
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    pool = None
    # Forked children must not share this process's database connections, which cannot be
    # closed inside a transaction (a caller's, or a test's): then it segments here.
    if workers > 1 and not transaction.get_connection().in_atomic_block:
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(workers)
    stored = 0

    def store(batch: list[int], built: list[tuple], read_at: dict) -> None:
        nonlocal stored
        _store_unless_changed(batch, built, read_at)
        stored += len(batch)
        if progress is not None:
            progress(stored, total)

    pending = None
    # On PostgreSQL the GIN indexes are dropped meanwhile and built once at the end, unless a
    # caller's transaction holds the table (its indexes are then kept up to date row by row).
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with bulk_writes(), nullcontext() if in_transaction else backend().bulk_indexing():
            for start in range(0, total, batch_size):
                batch = ids[start : start + batch_size]
                work, read_at = _work(batch)
                if pool is None:
                    store(batch, [_build(item) for item in work], read_at)
                    continue
                building = pool.map_async(_build, work, chunksize=8)
                if pending is not None:
                    store(pending[0], pending[1].get(), pending[2])
                pending = (batch, building, read_at)
            if pending is not None:
                store(pending[0], pending[1].get(), pending[2])
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    keys_changed({SEARCH_KEY})
    return total
