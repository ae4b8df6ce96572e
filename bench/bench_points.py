"""Points posting throughput through the service (``earning.apply_item``: permission, cap check, locks,
double-entry legs, cached balances with F(), audit record) against pgbench's built-in TPC-B-like
transaction on the same PostgreSQL in the same run.

Both run with 2 clients for ~10 s. Each side gets a scratch database that is created and dropped here
(``jishi_bench_points_<pid>`` for Jishi, ``jishi_bench_pgbench_<pid>`` for ``pgbench -i -s 1``). The
Jishi side runs in a child process so its Django settings point at the scratch database.

Skipped (with a message) unless JISHI_BENCH_DATABASE_URL or JISHI_DATABASE_URL is PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse, urlunparse

from bench.common import Result

SECONDS = float(os.environ.get("JISHI_BENCH_POINTS_SECONDS", "10"))
CLIENTS = int(os.environ.get("JISHI_BENCH_POINTS_CLIENTS", "2"))


def _base_url() -> str | None:
    url = os.environ.get("JISHI_BENCH_DATABASE_URL") or os.environ.get("JISHI_DATABASE_URL") or ""
    return url if urlparse(url).scheme in ("postgres", "postgresql") else None


def _with_db(url: str, name: str) -> str:
    u = urlparse(url)
    return urlunparse(u._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _pgbench(url: str, name: str) -> float:
    u = urlparse(_with_db(url, name))
    env = {**os.environ, "PGPASSWORD": u.password or ""}
    args = ["-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    subprocess.run(["pgbench", *args, "-i", "-s", "1", "-q", name], check=True, env=env, capture_output=True)
    out = subprocess.run(["pgbench", *args, "-c", str(CLIENTS), "-T", str(int(SECONDS)), "-n", name], check=True,
                         env=env, capture_output=True, text=True).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def child() -> None:
    """Runs in the child process: Django on the scratch database, then CLIENTS threads posting."""
    from bench.common import setup_django

    setup_django(os.environ["JISHI_DATABASE_URL"])
    from django.db import connection

    from jishi.org.models import Person
    from jishi.points.choices import Awarder, CapPeriod, ItemKind
    from jishi.points.earning import apply_item
    from jishi.points.models import PointItem
    from jishi.points.reconcile import reconcile
    from tests.factories import make_city

    city = make_city()
    item = PointItem.objects.create(code="BENCH", name="好人好事（压测）", kind=ItemKind.POSITIVE, points=1,
                                    cap_period=CapPeriod.NONE, awarder=Awarder.CADRE)
    people = []
    for n in range(40):
        p = Person(name=f"村民{n}")
        p.place_in(city.regions["A1a1"])
        p.save()
        people.append(p)
    cadre_id = city.user("village_cadre").pk
    connection.close()
    counts, stop = [0] * CLIENTS, threading.Event()

    def worker(t: int) -> None:
        from django.contrib.auth import get_user_model

        cadre = get_user_model().objects.get(pk=cadre_id)
        n = 0
        while not stop.is_set():
            apply_item(cadre, people[(n * CLIENTS + t) % len(people)], item, key=f"bench:{t}:{n}")
            n += 1
        counts[t] = n
        connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(CLIENTS)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    time.sleep(SECONDS)
    stop.set()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    report = reconcile()
    print(json.dumps({"rate": sum(counts) / elapsed, "postings": sum(counts), "reconciles": report.ok}))


def run() -> list[Result]:
    url = _base_url()
    if url is None:
        print("bench_points: skipped — set JISHI_DATABASE_URL (or JISHI_BENCH_DATABASE_URL) to a PostgreSQL URL",
              file=sys.stderr)
        return []
    pid = os.getpid()
    jishi_db, pg_db = f"jishi_bench_points_{pid}", f"jishi_bench_pgbench_{pid}"
    try:
        _admin(url, f"CREATE DATABASE {jishi_db}")
        _admin(url, f"CREATE DATABASE {pg_db}")
        env = {**os.environ, "JISHI_DATABASE_URL": _with_db(url, jishi_db), "JISHI_DATA_DIR": os.environ.get(
            "JISHI_DATA_DIR", "var")}
        proc = subprocess.run([sys.executable, "-c", "from bench.bench_points import child; child()"], env=env,
                              capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        if proc.returncode:
            raise RuntimeError(proc.stderr[-2000:])
        jishi = json.loads(proc.stdout.strip().splitlines()[-1])
        tps = _pgbench(url, pg_db)
    finally:
        for name in (jishi_db, pg_db):
            _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert jishi["reconciles"], "the ledger did not reconcile after the benchmark"
    return [Result("points", f"award postings/s, service path, {CLIENTS} clients (PostgreSQL)", jishi["rate"], tps,
                   "tx/s", "≥ 0.25 of pgbench TPC-B")]


if __name__ == "__main__":
    from bench.common import TABLE_HEAD

    print(TABLE_HEAD)
    for r in run():
        print(r.row())
