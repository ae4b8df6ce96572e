"""Counting a caller's attempts in one-minute windows, for limits that sit below the platform (the people
search by number, ``jishi.org.privacy``).

The count is kept by the platform's shared store (``jishi.platform.ratelimit.hit``: Redis, PostgreSQL's
unlogged table or the SQLite side file — shared by every server process), plugged in with ``install()`` when the
platform app is ready, as the HTTP kit's token verifier is. Until then (a bare ``core``/``org`` setup) a
per-process count stands in, so a limit is never silently off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Counter = Callable[[str, int], "int | None"]
_counter: Counter | None = None
_local: dict[tuple[str, int], int] = {}
_lock = threading.Lock()


def install(counter: Counter) -> None:
    """Plug in the shared store: ``counter(key, limit)`` counts one attempt and returns None while ``key`` is
    within ``limit`` this minute, else the seconds until it may try again."""
    global _counter
    _counter = counter


def hit(key: str, limit: int) -> int | None:
    """Count one attempt of ``key``: None if allowed, else the seconds to wait (``Retry-After``)."""
    if _counter is not None:
        return _counter(key, limit)
    now = time.time()
    minute = int(now // 60)
    with _lock:
        for old in [k for k in _local if k[1] < minute]:
            del _local[old]
        _local[(key, minute)] = count = _local.get((key, minute), 0) + 1
    return None if count <= limit else max(1, int((minute + 1) * 60 - now + 0.999))
