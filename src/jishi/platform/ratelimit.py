"""Per-caller request limits in one-minute windows, shared by every server process.

Where the count lives (it must be shared by all server processes, and cheap — one per API call):
- ``JISHI_REDIS_URL`` set: a Redis INCR with a two-minute expiry;
- PostgreSQL: one upsert into ``api_ratewindow``, an UNLOGGED table (no WAL, no fsync: counts are not worth a
  disk flush, and a crash only forgets the current minute);
- SQLite: the same upsert into a side file ``ratelimit.sqlite3`` in the data directory (WAL, synchronous=OFF),
  so counting never takes the main database's single write lock.
A caller over its limit gets 429 with ``Retry-After`` (seconds to the next window).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.db import connection

from jishi.platform.models import RateWindow

TABLE = RateWindow._meta.db_table
UPSERT = (f"INSERT INTO {TABLE} (key, minute, count) VALUES (%s, %s, 1) "
          f"ON CONFLICT (key, minute) DO UPDATE SET count = {TABLE}.count + 1 RETURNING count")
_local = threading.local()


@lru_cache(maxsize=1)
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _side_file() -> sqlite3.Connection:
    path = str(getattr(settings, "JISHI_RATE_LIMIT_FILE", "") or settings.DATA_DIR / "ratelimit.sqlite3")
    conn = getattr(_local, "conn", None)
    if conn is None or getattr(_local, "path", None) != path:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        _prepare(conn)
        _local.conn, _local.path = conn, path
    return conn


def _prepare(conn: sqlite3.Connection, attempts: int = 50) -> None:
    """WAL and the table, on a file that other threads or processes may be opening at the same moment: switching
    a new file to WAL takes an exclusive lock and SQLite answers "database is locked" at once, without waiting
    for its busy timeout, to whoever loses that race — so the loser tries again (seen: eight threads on a fresh
    file, tests/api/test_rate_limits.py)."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("CREATE TABLE IF NOT EXISTS window (key TEXT NOT NULL, minute INTEGER NOT NULL, "
                         "count INTEGER NOT NULL, PRIMARY KEY (key, minute))")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def _count(key: str, minute: int) -> int:
    if getattr(settings, "REDIS_URL", ""):
        name = f"jishi:rate:{key}:{minute}"
        pipe = _redis().pipeline()
        pipe.incr(name)
        pipe.expire(name, 120)
        return pipe.execute()[0]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(UPSERT, [key, minute])
            count = cursor.fetchone()[0]
            if count == 1:  # first call of a window: forget this caller's old windows
                cursor.execute(f"DELETE FROM {TABLE} WHERE key = %s AND minute < %s", [key, minute - 1])
        return count
    conn = _side_file()
    count = conn.execute("INSERT INTO window (key, minute, count) VALUES (?, ?, 1) ON CONFLICT (key, minute) "
                         "DO UPDATE SET count = count + 1 RETURNING count", (key, minute)).fetchone()[0]
    if count == 1:
        conn.execute("DELETE FROM window WHERE key = ? AND minute < ?", (key, minute - 1))
    return count


def hit(key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request of ``key``; None if allowed, else the seconds until the caller may try again."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    if _count(key, minute) <= limit:
        return None
    return max(1, int((minute + 1) * 60 - now + 0.999))


def windows(key: str) -> list[int]:
    """The minutes still counted for ``key`` (for tests and operators)."""
    if connection.vendor == "postgresql" and not getattr(settings, "REDIS_URL", ""):
        return sorted(RateWindow.objects.filter(key=key).values_list("minute", flat=True))
    return sorted(m for (m,) in _side_file().execute("SELECT minute FROM window WHERE key = ?", (key,)))


def hit_token(token) -> tuple[int, int | None]:
    """Count one call of ``token`` against its port's limit (or the personal-token limit): (limit, retry_after)."""
    if token.client_id is not None:
        key, limit = f"c{token.client_id}", token.client.rate_limit
    else:
        key, limit = f"t{token.pk}", settings.JISHI_API_RATE_LIMIT
    return limit, hit(key, limit)
