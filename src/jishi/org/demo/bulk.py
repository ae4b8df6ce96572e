"""Fast inserts for the two big tables (households and residents: ~2.4 million rows in ``city``).

Django's ``bulk_create`` spends ~40 µs a row compiling each field of each model instance; for a few
thousand rows that is nothing, for millions it is most of the run. ``insert_rows`` sends plain
tuples through the connection's ``executemany`` (the same SQL on SQLite and PostgreSQL). Callers
read ids back by a unique key (household code, ID number) when they need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.db import connection
from django.utils import timezone


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def insert_rows(model, fields: list[str], rows: Iterable[tuple], batch: int = 5000, *, stamps: bool = True) -> int:
    """INSERT ``rows`` (tuples in ``fields`` order, values already in database form) into ``model``'s
    table, adding created_at/updated_at unless ``stamps`` is False. Returns the number of rows."""
    qn = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields] + (["created_at", "updated_at"] if stamps else [])
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    extra = (now, now) if stamps else ()
    n = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, batch):
            cursor.executemany(sql, [(*row, *extra) for row in chunk])
            n += len(chunk)
    return n


def date_adapter():
    """A function turning a date into its database form (ISO text on SQLite, the date itself elsewhere)."""
    return str if connection.vendor == "sqlite" else (lambda d: d)


@contextmanager
def big_cache(mebibytes: int = 1024):
    """On SQLite, a larger page cache while millions of rows go into randomly keyed indexes."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{mebibytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(before)}")
