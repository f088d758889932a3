"""Small queries that every signed-in page runs, compiled to SQL once per process.

Turning a queryset into SQL costs Django about a millisecond for a query that PostgreSQL
answers in a tenth of that (joins resolved, columns listed, the ``WHERE`` tree walked):
the navigation badge, the memberships of the user and the SMS caps notice cost more to
compile than to run, on every page (docs/decisions/0048-fixed-queries.md).

``FixedQuery`` keeps the queryset as the one description of the query (the ORM, the same
on SQLite and PostgreSQL), builds it once per database connection and *shape* with marker
values in place of the values that change between requests (an organisation id, a day, a
typed word), and remembers the SQL, where each marker went in the parameters and the
database converters of each column. Each call then substitutes the real values and runs
the SQL.

    BADGE = FixedQuery(
        "referral_badge",
        lambda site: Referral.objects.filter(site_id=site).values("status"),
    )
    rows = BADGE.rows(site=42)  # [{"status": ...}, ...]

Rules, checked when the SQL is built (a query that breaks one fails loudly, at once):
- the builder returns a ``.values()`` queryset or an ``.aggregate()``-like ``values()`` with
  annotations (rows are dictionaries), never model instances;
- a text marker may also sit inside a ``contains``-like pattern: the value is put there
  escaped for LIKE (``connection.ops.prep_for_like_query``), as Django does;
- each marker must reach the parameters (``filter(x=marker)``), not the SQL text, and must
  be passed as a keyword to ``rows``; the shape of the query (which filters, how many
  ``IN`` values) must not depend on the values: when it does (a network admin's scope is
  another query than a site's), pass ``shape=`` to keep one SQL per shape.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

DEFAULT_DB_ALIAS = "default"
# Markers: values no real row can hold, each unique within a query.
_INT_MARKER_BASE = -7_391_260_000_000
_DATE_MARKER_BASE = datetime.date(1901, 1, 1)


# A text marker: characters of Unicode's private use area, which no typed word holds.
_TEXT_MARK = "\ue000"


def _marker(kind: type, index: int):
    if kind is datetime.date:
        return _DATE_MARKER_BASE + datetime.timedelta(days=index)
    if kind is int:
        return _INT_MARKER_BASE - index
    if kind is str:
        return f"{_TEXT_MARK}{index}{_TEXT_MARK}"
    raise TypeError(f"FixedQuery: markers are ints, dates or texts, not {kind.__name__}")


@dataclass
class _Compiled:
    sql: str
    params: list
    slots: dict[str, list[int]]  # argument name -> positions in ``params``
    patterns: dict[str, list[int]]  # text argument -> positions of the LIKE patterns holding it
    markers: dict
    names: list[str]
    converters: dict
    compiler: object


class FixedQuery:
    """A ``values()`` queryset compiled once per connection and shape; see the module."""

    def __init__(self, name: str, build: Callable[..., QuerySet], **kinds: type):
        self.name = name
        self.build = build
        # The type of each argument (int unless said): the marker put in its place.
        self.kinds = kinds

    def _compile(self, connection, arguments: dict[str, type], shape) -> _Compiled:
        markers = {
            argument: _marker(self.kinds.get(argument, arguments[argument]), index)
            for index, argument in enumerate(sorted(arguments))
        }
        queryset = self.build(**markers) if shape is None else self.build(shape, **markers)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = {}
        patterns = {}
        for argument, marker in markers.items():
            adapted = _adapted(connection, marker)
            positions = [i for i, value in enumerate(params) if value in (marker, adapted)]
            if isinstance(marker, str):
                # ``contains`` and the like put the text inside a LIKE pattern.
                inside = [
                    i
                    for i, value in enumerate(params)
                    if isinstance(value, str) and marker in value and value != marker
                ]
                if inside:
                    patterns[argument] = inside
            if not (positions or patterns.get(argument)) or str(marker) in sql:
                raise ValueError(
                    f"FixedQuery {self.name}: {argument} must reach the query's parameters "
                    f"once or more, not its text ({sql!r}, {params!r})"
                )
            slots[argument] = positions
        leftover = [
            value
            for i, value in enumerate(params)
            if isinstance(value, str)
            and _TEXT_MARK in value
            and not any(i in inside for inside in patterns.values())
            and not any(i in positions for positions in slots.values())
        ]
        if leftover:
            raise ValueError(f"FixedQuery {self.name}: a text went into {leftover!r} changed")
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if not names or queryset._iterable_class.__name__ != "ValuesIterable":
            raise ValueError(f"FixedQuery {self.name}: the builder must return a values() query")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        return _Compiled(sql, params, slots, patterns, markers, names, converters, compiler)

    def rows(self, *, shape=None, using: str = DEFAULT_DB_ALIAS, **values) -> list[dict]:
        connection = connections[using]
        cache = connection.__dict__.setdefault("_tisser_fixed_queries", {})
        key = (self.name, shape, tuple(sorted(values)))
        compiled = cache.get(key)
        if compiled is None:
            kinds: dict[str, type] = {
                name: str if isinstance(value, str) else int for name, value in values.items()
            }
            compiled = cache[key] = self._compile(connection, kinds, shape)
        params = list(compiled.params)
        for argument, positions in compiled.slots.items():
            value = _adapted(connection, values[argument])
            for position in positions:
                params[position] = value
        for argument, positions in compiled.patterns.items():
            marker = compiled.markers[argument]
            escaped = connection.ops.prep_for_like_query(values[argument])
            for position in positions:
                params[position] = compiled.params[position].replace(marker, escaped)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]


def _adapted(connection, value):
    """The parameter Django passes for ``value`` (a date becomes a string on SQLite)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def reset(using: str = DEFAULT_DB_ALIAS) -> None:
    """Forget the compiled SQL of this thread's connection (tests that change the schema)."""
    connections[using].__dict__.pop("_tisser_fixed_queries", None)
