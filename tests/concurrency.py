"""Run a function in several threads at once (each with its own database connection) — for the concurrency
tests on PostgreSQL and the SQLite side files."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(n: int, fn: Callable[[int], object]) -> tuple[list, list[BaseException]]:
    """Start ``fn(0)`` … ``fn(n-1)`` in ``n`` threads released together; their results and exceptions."""
    results, errors, start, lock = [], [], threading.Barrier(n), threading.Lock()

    def worker(t: int) -> None:
        try:
            start.wait()
            out = fn(t)
            with lock:
                results.append(out)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
