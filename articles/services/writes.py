"""The rules of writing an article, in one place, for one article or a batch.

``article_save`` (admin, API, actions, restores) applies them to one article; the importer's
``posts_write`` to a batch of hundreds with a handful of statements per batch. Either way:

* the body is cleaned and its bylines taken out by ``articles.services.articles.body_prepare``
  (the importer calls it while reading, on worker processes);
* ``version_next``: a new article is version 1, every write of an existing one adds one;
* ``labels_get_or_create``: category and tag names resolve to labels case-insensitively (the
  first spelling seen creates the label), so both paths group names the same way, and
  ``labels_spelled`` keeps each article's own spelling on its link rows;
* ``credits_derive``: bylines become credits after the ones the article keeps, one per
  (author, role), in byline order; an article rewritten from its source (an import update)
  keeps none, so its credits are exactly its bylines;
* ``mentions_write``: an article's mentions are exactly the project links of its body, and the
  projects they name are upserted by ``projects_upsert``'s rules (newest published mention wins);
* ``derived_after_write``: everything derived from written articles, in one call (the hook for
  anything else derived from an article, e.g. a search index);
* ``articles.services.versions.revisions_record``: every write is a django-reversion revision
  (the importer's say "imported from <path>"), with the article's credits, categories and tags;
* webhook events: ``articles.webhooks.events.article_events_record`` for each written article.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import BooleanField, CharField, Field, ForeignKey, IntegerField, Model, TextField
from django.db.models.fields import AutoFieldMixin
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import ItemBase, TagBase

from articles.models import (
    Article,
    CategorizedArticle,
    Category,
    Credit,
    ProjectMention,
    Tag,
    TaggedArticle,
)
from articles.search.index import ArticleHeld, DocumentNames, DocumentText, documents_update
from articles.services.credits import Byline, authors_get_or_create, credits_build
from articles.services.link_dates import link_date, link_dates_sync
from articles.services.mentions import ProjectLink, mentions_build, projects_upsert_many
from articles.webhooks.events import article_events_record, subscribed_kinds


@dataclass(slots=True)
class ArticleWrite:
    """One article being written and what its write derives from."""

    article: Article
    previous: Article | None = None  # the stored row before the write (None: a new article)
    bylines: list[Byline] = field(default_factory=list)
    links: list[ProjectLink] = field(default_factory=list)
    categories: list[str] | None = None  # None: left as they are
    tags: list[str] | None = None
    comment: str = ""  # the revision's comment
    search_text: DocumentText | None = None  # its search text when already built (the importer)


# Fields whose ``get_prep_value`` gives back a value of exactly this type (or None) unchanged.
_PREPARED_AS_IS = {
    CharField.get_prep_value: str,
    TextField.get_prep_value: str,
    IntegerField.get_prep_value: int,
    BooleanField.get_prep_value: bool,
}


def _sent_as_is(field: Field, connection: BaseDatabaseWrapper) -> type | None:
    """The type of value ``field`` sends to the database unchanged (``pre_save`` reads the
    attribute, ``get_db_prep_save`` returns a value of exactly that type, or None, as it is);
    None when it may change any value. A foreign key to an auto field sends its id as it is."""
    kind = type(field)
    if kind.pre_save is not Field.pre_save:
        return None
    if isinstance(field, ForeignKey):
        target, target_kind = field.target_field, type(field.target_field)
        as_is = (
            kind.get_db_prep_save is ForeignKey.get_db_prep_save
            and isinstance(target, AutoFieldMixin)
            and target_kind.get_db_prep_save is AutoFieldMixin.get_db_prep_save
            and target_kind.get_db_prep_value is AutoFieldMixin.get_db_prep_value
            and type(connection.ops).validate_autopk_value is BaseDatabaseOperations.validate_autopk_value
        )
        return _PREPARED_AS_IS.get(target_kind.get_prep_value) if as_is else None
    if kind.get_db_prep_save is not Field.get_db_prep_save:
        return None
    if kind.get_db_prep_value is not Field.get_db_prep_value:  # e.g. integers, adapted on PostgreSQL
        return None
    return _PREPARED_AS_IS.get(kind.get_prep_value)


def rows_insert(objs: list[Model]) -> list[Model]:
    """Insert new ``objs`` (one model, no pk yet) as ``bulk_create`` does (fields' ``pre_save``
    and database values, no signals, pks set from ``RETURNING``), in multi-row statements.

    For the importer's batches: ``bulk_create`` compiles every value through the SQL
    compiler's generic path, which cost more than the writes themselves for the ~30 fields of
    10,000 articles; this asks each field for its value only, and not even that for the text,
    number and flag values fields send as they are (``_sent_as_is``)."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    database = router.db_for_write(model)
    connection = connections[database]
    fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
    plan = [(f, f.attname, _sent_as_is(f, connection)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = []
            for obj in chunk:
                for f, attname, as_is in plan:
                    value = getattr(obj, attname) if as_is else None
                    if as_is is None or (value is not None and type(value) is not as_is):
                        value = f.get_db_prep_save(f.pre_save(obj, True), connection)
                    params.append(value)
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
                f"{', '.join([row_sql] * len(chunk))} RETURNING {quote(meta.pk.column)}",
                params,
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = database
    return objs


def version_next(*, previous: Article | None) -> int:
    return 1 if previous is None else previous.version + 1


def labels_get_or_create(*, model: type[TagBase], names: Iterable[str]) -> dict[str, TagBase]:
    """Categories or tags by lower-cased name, creating the missing ones.

    Names match case-insensitively, as django-taggit does with ``TAGGIT_CASE_INSENSITIVE``; new
    ones get the model's own unique slugs (CJK kept, never empty).
    """
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found: dict[str, TagBase] = {}
    for label in model.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted)):
        found.setdefault(label.name.lower(), label)
    missing = [name for key, name in wanted.items() if key not in found]
    if not missing:
        return found
    maker = model()
    bases = {name: maker.slugify(name) for name in missing}
    taken = set(model.objects.filter(slug__in=bases.values()).values_list("slug", flat=True))
    new = []
    for name in missing:
        slug, attempt = bases[name], 0
        while slug in taken:
            attempt += 1
            slug = maker.slugify(name, attempt)
        taken.add(slug)
        new.append(model(name=name, slug=slug))
    model.objects.bulk_create(new, ignore_conflicts=True)
    for label in model.objects.filter(name__in=missing):
        found[label.name.lower()] = label
    for name in missing:
        # Lost a race for the slug or a differently cased name: taggit's own path settles it.
        if name.lower() not in found:
            found[name.lower()] = model.objects.filter(name__iexact=name).first() or model.objects.create(
                name=name
            )
    return found


def labels_spelled(labels: dict[str, TagBase], names: Iterable[str]) -> dict[int, str]:
    """Label id -> the article's own spelling (blank when it is the label's), first one wins.

    Labels group names case-insensitively (one tag page for "Hadoop" and "hadoop"), but each
    article keeps its own spelling on its page, in feeds and JSON-LD, as Hexo does."""
    spelled: dict[int, str] = {}
    for name in names:
        label = labels[name.lower()]
        spelled.setdefault(label.pk, "" if name == label.name else name)
    return spelled


def labels_write(*, writes: list[ArticleWrite], replaced: list[int]) -> list[ItemBase]:
    """Give each write's article its categories and tags (batch: no signals; the caller marks
    the page cache stale). ``replaced``: articles whose current ones go first. Returns the link
    rows written (categories, then tags), each holding its article and label, and the
    ``published_at`` its article gives it (``link_dates.link_date``)."""
    written: list[ItemBase] = []
    for model, through, attribute in (
        (Category, CategorizedArticle, "categories"),
        (Tag, TaggedArticle, "tags"),
    ):
        given = [w for w in writes if getattr(w, attribute) is not None]
        if replaced:
            through.objects.filter(content_object_id__in=replaced).delete()
        labels = labels_get_or_create(model=model, names=(n for w in given for n in getattr(w, attribute)))
        by_pk = {label.pk: label for label in labels.values()}
        rows = []
        for write in given:
            dated = link_date(write.article)
            spelled = labels_spelled(labels, getattr(write, attribute)).items()
            for position, (tag_id, spelling) in enumerate(spelled):
                row = through(
                    content_object=write.article, tag=by_pk[tag_id], name=spelling, published_at=dated
                )
                if through is CategorizedArticle:  # the post's order: the first is its section
                    row.position = position
                rows.append(row)
        written.extend(rows_insert(rows))
    return written


def credits_derive(
    *, writes: list[ArticleWrite], replaced: list[int], created: Iterable[int] = ()
) -> list[Credit]:
    """Credits from each write's bylines, after the ones its article keeps (duplicates skipped).

    ``replaced``: articles rewritten from their source, which keep none; ``created``: new
    articles, which have none. Two queries plus the authors' however many articles (one for
    the kept credits, unless every article keeps none, one insert)."""
    if replaced:
        Credit.objects.filter(article_id__in=replaced).delete()
    writes = [w for w in writes if w.bylines]
    if not writes:
        return []
    authors = authors_get_or_create(names=[b.name for w in writes for b in w.bylines])
    kept: dict[int, set[tuple[int, str]]] = {}
    fresh = {*replaced, *created}
    keeping = [w.article.pk for w in writes if w.article.pk not in fresh]
    if keeping:
        for article_id, author_id, role in Credit.objects.filter(article_id__in=keeping).values_list(
            "article_id", "author_id", "role"
        ):
            kept.setdefault(article_id, set()).add((author_id, role))
    rows = []
    by_pk = {author.pk: author for author in authors.values()}
    for write in writes:
        existing = kept.get(write.article.pk, set())
        rows.extend(
            credits_build(article=write.article, bylines=write.bylines, authors=authors, existing=existing)
        )
    for row in rows:
        row.author = by_pk[row.author_id]
    return rows_insert(rows)


def mentions_write(*, writes: list[ArticleWrite], created: Iterable[int] = ()) -> list[ProjectMention]:
    """Make each write's article's mentions exactly its ``links``; upsert the projects, for the
    whole batch at once (``projects_upsert_many``). ``created``: new articles, which have no
    mentions to delete. Four queries at most."""
    created = set(created)
    stale = [w.article.pk for w in writes if w.article.pk and w.article.pk not in created]
    if stale:
        ProjectMention.objects.filter(article_id__in=stale).delete()
    # Oldest first, so a project ends up named as its newest mention describes it.
    dated = [w for w in writes if w.links]
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    dated.sort(key=lambda w: w.article.published_at or epoch)
    projects = projects_upsert_many(
        mentioned=[
            (w.links, w.article.published_at, w.article.status == Article.Status.PUBLISHED) for w in dated
        ]
    )
    rows = []
    for write in dated:
        rows.extend(mentions_build(article=write.article, links=write.links, projects=projects))
    return rows_insert(rows)


def derived_after_write(
    *,
    writes: list[ArticleWrite],
    replaced: list[int],
    created: Iterable[int] = (),
    purge_search: bool = True,
) -> dict[int, list[Model]]:
    """Everything derived from articles once their rows are written: categories and tags,
    credits, mentions, then their search documents (which read all of those). The one hook
    for data derived from an article after it is written. ``replaced``: articles rewritten
    from their source; ``created``: articles written for the first time (nothing derived from
    them yet); ``purge_search``: empty cached search answers now (batch writers that purge
    everything after their commit pass ``False``).

    Returns the credits, categories and tags rows it wrote, by article (what
    ``revisions_record`` follows): all an article has when it is new or in ``replaced``."""
    created = set(created)
    labels = labels_write(writes=writes, replaced=replaced)
    # Links written just now carry their dates; those an article kept are brought in step.
    rewritten = {*replaced, *created}
    link_dates_sync(
        w.article.pk
        for w in writes
        if w.categories is None or w.tags is None or w.article.pk not in rewritten
    )
    credits = credits_derive(writes=writes, replaced=replaced, created=created)
    mentions = mentions_write(writes=writes, created=created)
    documents_update(
        [write.article.pk for write in writes],
        purge=purge_search,
        prebuilt={w.article.pk: w.search_text for w in writes if w.search_text is not None},
        held=_held(
            writes=[w for w in writes if w.article.pk in rewritten], rows=[*credits, *labels, *mentions]
        ),
    )
    rows: dict[int, list[Model]] = {write.article.pk: [] for write in writes}
    for row in credits:
        rows[row.article_id].append(row)
    for row in labels:
        rows[row.content_object_id].append(row)
    return rows


def _held(*, writes: list[ArticleWrite], rows: list[Model]) -> dict[int, ArticleHeld]:
    """What the search index needs of ``writes``, articles whose derived rows are all in
    ``rows`` (new or rewritten ones): their names in the order written, as ``documents_update``
    would read them back."""
    held = {
        w.article.pk: ArticleHeld(w.article.published_at, w.article.status, DocumentNames()) for w in writes
    }
    mentions: dict[int, list[ProjectMention]] = {}
    for row in rows:
        if isinstance(row, Credit):
            if row.article_id in held:
                held[row.article_id].names.credits.append(row.author.name)
        elif isinstance(row, ProjectMention):
            mentions.setdefault(row.article_id, []).append(row)
        elif row.content_object_id in held:  # categories, then tags
            held[row.content_object_id].names.labels.append(row.tag.name)
    for article_id, found in mentions.items():
        if article_id in held:
            projects = held[article_id].names.projects
            for row in sorted(found, key=lambda mention: mention.position):
                if row.project.name not in projects:
                    projects.append(row.project.name)
    return held


def events_record(*, writes: list[ArticleWrite]) -> None:
    """Webhook events for a batch of writes (the subscriptions read once for the batch)."""
    subscribed = subscribed_kinds()
    for write in writes:
        article_events_record(previous=write.previous, article=write.article, subscribed=subscribed)
