"""Hot reader reads compiled once: the ORM builds a read's SQL the first time, and later reads
run that SQL with their own parameters.

Django builds and compiles every queryset anew, which for the few indexed reads of a list page
(the owner, the page's ids, the front page's lead) costs several times what running them does.
A ``PreparedRead`` wraps a function that builds the queryset from its arguments (the selectors'
own querysets: one definition of what is public), calls it once with stand-in values, finds
where they landed among the compiled parameters and keeps the SQL, per database alias. The
arguments named in ``inline`` (slice bounds, which Django writes into the SQL text) key
compiled variants of their own, a bounded number of them.

Only values that reach the SQL as parameters can be arguments (strings and integers here); a
stand-in that does not come back as exactly one parameter per use, or that shows in the SQL
text, is a programming error raised on first use (the tests run every prepared read).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet

_VARIANTS = 256  # compiled slice variants kept per read and database (pages deep in a list)


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    slots: list[tuple[bool, object]]  # (True, argument name) or (False, a constant parameter)
    converters: list[tuple[int, tuple[list, object]]]  # column -> (functions, expression)


def _stand_in(index: int, kind: type) -> str | int:
    if kind is int:
        return -(2_000_000_000 + index)  # within every integer column's range
    if kind is str:
        return f"\x00prepared-{index}\x00"
    raise ImproperlyConfigured(f"prepared reads take str and int arguments, not {kind.__name__}")


class PreparedRead:
    """``build(**arguments)`` (a ``values_list`` queryset) compiled once per database alias and
    inline values, run as ``read.rows(**arguments)`` (a list of tuples)."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        model: type[Model],
        arguments: dict[str, type],
        inline: tuple[str, ...] = (),
    ) -> None:
        self.build = build
        self.model = model
        self.arguments = arguments
        self.inline = inline
        self._compiled: OrderedDict[tuple, _Compiled] = OrderedDict()
        self._lock = Lock()

    def _compile(self, alias: str, inline: dict) -> _Compiled:
        stand_ins = {name: _stand_in(i, kind) for i, (name, kind) in enumerate(self.arguments.items())}
        queryset = self.build(**stand_ins, **inline)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # What turns a column's raw value into Python (dates on SQLite, JSON ...), as the ORM does.
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        by_value = {value: name for name, value in stand_ins.items()}
        slots = [(True, by_value[param]) if param in by_value else (False, param) for param in params]
        used = {value for is_argument, value in slots if is_argument}
        for name, value in stand_ins.items():
            if name not in used or str(value) in sql:
                raise ImproperlyConfigured(f"{self.build.__name__}: {name} is not an SQL parameter")
        connection = connections[alias]
        if connection.vendor == "postgresql":
            sql, slots = _constants_inlined(connection, sql, slots)
        return _Compiled(sql=sql, slots=slots, converters=list(converters.items()))

    def sql(self, alias: str, **inline) -> _Compiled:
        key = (alias, *(inline[name] for name in self.inline))
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
        compiled = self._compile(alias, inline)
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > _VARIANTS:
                self._compiled.popitem(last=False)
        return compiled

    def rows(self, **values) -> list[tuple]:
        alias = router.db_for_read(self.model)
        inline = {name: values.pop(name) for name in self.inline}
        compiled = self.sql(alias, **inline)
        params = [values[value] if is_argument else value for is_argument, value in compiled.slots]
        connection = connections[alias]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def objects(self, **values) -> list[Model]:
        """Model instances, for a read whose ``build`` lists the model's concrete fields
        (``field_names(model)``) in ``values_list``."""
        alias = router.db_for_read(self.model)
        names = field_names(self.model)
        return [self.model.from_db(alias, names, row) for row in self.rows(**values)]


def _constants_inlined(connection, sql: str, slots: list) -> tuple[str, list]:
    """Write the constant parameters (``'published'``, ``'article'``: what makes an article
    public) into the SQL as quoted literals, so the plan PostgreSQL keeps for a prepared read
    knows them; only the arguments stay parameters."""
    from psycopg.sql import Literal

    connection.ensure_connection()
    pieces = re.split(r"(%%|%s)", sql)
    slot_iter = iter(slots)
    kept, out = [], []
    for piece in pieces:
        if piece == "%s":
            is_argument, value = next(slot_iter)
            if is_argument or not isinstance(value, str | int) or isinstance(value, bool):
                kept.append((is_argument, value))
                out.append("%s")
            else:
                out.append(Literal(value).as_string(connection.connection).replace("%", "%%"))
        else:
            out.append(piece)
    return "".join(out), kept


def _cursor(connection):
    """A cursor for a prepared read: on PostgreSQL one that binds parameters on the server and
    runs the read as a prepared statement (parsed once per connection, and planned once when
    PostgreSQL finds a generic plan as good: planning these small reads costs more than running
    them), through Django's cursor wrapper all the same (query logging and execute wrappers
    see it). ``DATABASES[...]["OPTIONS"]["prepare_threshold"]``
    set to ``None`` explicitly turns this off, e.g. behind a connection pooler that cannot
    keep prepared statements."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold", _UNSET) is None
    ):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's prepared statements off; its own (client-binding) cursors never
        # prepare, so allowing them on the connection prepares only what asks to be.
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    return connection._prepare_cursor(_PreparingCursor(raw))


_UNSET = object()
_ONLY_WHEN_ASKED = 2**31 - 1


try:
    import psycopg

    class _PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

except ImportError:  # SQLite only
    _PreparingCursor = None


def field_names(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]
