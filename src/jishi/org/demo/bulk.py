"""Fast inserts for the two big tables (households and residents: ~2.4 million rows in ``city``).

``insert_rows`` (``jishi.core.bulk``) sends plain tuples through ``executemany``; callers read ids back by a
unique key (household code, ID number). Here: the date adapter and SQLite's larger page cache for the load.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from jishi.core.bulk import insert_rows

__all__ = ["big_cache", "date_adapter", "insert_rows"]


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
