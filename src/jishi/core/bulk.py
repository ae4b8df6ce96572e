"""Plain-tuple INSERTs for big writes (the demo's 2.4 million residents and households, the cockpit's rebuild of
~280,000 rollup rows and ~115,000 marks at city scale).

Django's ``bulk_create`` spends ~40 µs a row compiling each field of each model instance; for a few thousand
rows that is nothing, for hundreds of thousands it is most of the run. ``insert_rows`` sends tuples already in
database form through the connection's ``executemany`` (the same SQL on SQLite and PostgreSQL). Callers read ids
back by a unique key when they need them. (``org.imports.bulk`` is the instance-based path for imports, which
need each field's preparation and the ids back.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection
from django.utils import timezone

STAMPS = ("created_at", "updated_at")


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def insert_rows(model, fields: list[str], rows: Iterable[tuple], batch: int = 5000) -> int:
    """INSERT ``rows`` (tuples in ``fields`` order, values already in database form) into ``model``'s table. A
    model with created_at/updated_at columns not among ``fields`` gets both set to now. Returns the row count."""
    qn = connection.ops.quote_name
    meta = model._meta
    names = {f.name for f in meta.concrete_fields}
    stamps = [s for s in STAMPS if s in names and s not in fields]
    columns = [meta.get_field(f).column for f in fields] + [meta.get_field(s).column for s in stamps]
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    extra = (connection.ops.adapt_datetimefield_value(timezone.now()),) * len(stamps)
    n = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, batch):
            cursor.executemany(sql, [(*row, *extra) for row in chunk])
            n += len(chunk)
    return n
