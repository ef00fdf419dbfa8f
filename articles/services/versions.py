"""django-reversion revisions of written articles, a batch at a time: the article with its
credits, categories and tags, stored as django-reversion stores them, in a handful of
statements for any number of articles (the importer writes ~40,000 versions per 10,000 posts).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version

from articles.models import Article, CategorizedArticle, Credit, TaggedArticle
from articles.services.writes import ArticleWrite, rows_insert

# Followed by Article's revisions (ArticlesConfig.ready): model, its article key, what its
# text names (selected with it, so that naming a version costs no query).
_FOLLOWED = (
    (Credit, "article_id", "author"),
    (CategorizedArticle, "content_object_id", "tag"),
    (TaggedArticle, "content_object_id", "tag"),
)


def _serializable_fields(model: type[Model]) -> list[tuple[str, str | None, bool, Field]] | None:
    """For each field Django's serializers write for ``model``: its name, the attribute holding
    its value (None: ask the field), whether its text form is ``str(value)``, the field. None
    when ``model`` has many-to-many fields (the serializers read those from the database)."""
    meta = model._meta.concrete_model._meta
    if any(field.serialize for field in meta.local_many_to_many):
        return None
    plan = []
    for model_field in meta.local_fields:
        if model_field.serialize:
            kind = type(model_field)
            plain = kind.value_from_object is Field.value_from_object
            as_str = plain and kind.value_to_string is Field.value_to_string
            plan.append((model_field.name, model_field.attname if plain else None, as_str, model_field))
    return plan


# What django.core.serializers.python keeps as it is (``is_protected_type``), by exact type:
# most values, checked without the isinstance() chain.
_PROTECTED = frozenset({type(None), bool, int, float, Decimal, datetime, date, time})
# json.dumps(cls=DjangoJSONEncoder, ensure_ascii=False) makes an encoder per call; it keeps no state.
_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def version_data(objects: Iterable[Model]) -> list[str]:
    """Each object as django-reversion's "json" format stores it (``serializers.serialize(
    "json", [obj])``, reversion's defaults: all fields, no natural keys), in one pass.

    The serializer's own machinery costs more per object than writing the row does; this
    builds the same dicts straight from the fields (tested equal to the serializer's output)."""
    plans: dict[type[Model], list | None] = {}
    data = []
    for obj in objects:
        model = type(obj)
        if model not in plans:
            plans[model] = _serializable_fields(model)
        fields = plans[model]
        if fields is None:
            data.append(serializers.serialize("json", [obj]))
            continue
        dumped_fields = {}
        for name, attname, as_str, model_field in fields:
            # As django.core.serializers.python does: primitives as they are, the rest as text.
            value = getattr(obj, attname) if attname else model_field.value_from_object(obj)
            kind = type(value)
            if not (kind in _PROTECTED or (as_str and kind is str) or is_protected_type(value)):
                value = model_field.value_to_string(obj)
            dumped_fields[name] = value
        pk = obj._meta.pk.value_from_object(obj)
        if not is_protected_type(pk):
            pk = obj._meta.pk.value_to_string(obj)
        dumped = {"model": str(obj._meta), "pk": pk, "fields": dumped_fields}
        # The json serializer writes a list, with ", " between items and a newline after it.
        data.append(_ENCODER.encode([dumped]) + "\n")
    return data


def _versions_insert(rows: list[tuple]) -> None:
    """Insert ``Version`` rows (in ``_VERSION_COLUMNS`` order) with one ``executemany``: for
    the ~40,000 versions of a 10,000-post import, building and compiling a model instance per
    row (``bulk_create``) cost more than serializing them."""
    if not rows:
        return
    connection = connections[router.db_for_write(Version)]
    quote = connection.ops.quote_name
    meta = Version._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in _VERSION_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_VERSION_COLUMNS))
    statement = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


_VERSION_COLUMNS = ("revision", "object_id", "content_type", "db", "format", "serialized_data", "object_repr")


def revisions_record(
    *, writes: list[ArticleWrite], user=None, followed: dict[int, list] | None = None
) -> None:
    """One django-reversion revision per written article (its ``comment``), holding the article
    with its credits, categories and tags, each object stored as django-reversion stores it
    (``version_data``). Five queries for the batch, whatever its size; two when ``followed``
    gives every article's credits, categories and tags already (by article id, as
    ``derived_after_write`` returns them for new and replaced articles), with their pks."""
    if not writes:
        return
    articles = {w.article.pk: w.article for w in writes}
    if followed is None or any(row.pk is None for rows in followed.values() for row in rows):
        followed = {pk: [] for pk in articles}
        for model, key, named in _FOLLOWED:
            for row in model.objects.filter(**{f"{key}__in": list(articles)}).select_related(named):
                if key == "content_object_id":
                    row.content_object = articles[row.content_object_id]
                followed[getattr(row, key)].append(row)
    now = timezone.now()
    revisions = rows_insert([Revision(date_created=now, user=user, comment=w.comment) for w in writes])
    types = {
        model: content_type.pk
        for model, content_type in ContentType.objects.get_for_models(
            Article, *(model for model, _key, _named in _FOLLOWED)
        ).items()
    }
    objects = [
        (revision, obj)
        for revision, w in zip(revisions, writes, strict=True)
        for obj in (w.article, *followed[w.article.pk])
    ]
    data = version_data(obj for _revision, obj in objects)
    database = router.db_for_write(Article)
    _versions_insert(
        [
            (revision.pk, force_str(obj.pk), types[type(obj)], database, "json", serialized, force_str(obj))
            for (revision, obj), serialized in zip(objects, data, strict=True)
        ]
    )
