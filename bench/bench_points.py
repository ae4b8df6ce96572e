"""Points posting throughput through the service (``earning.apply_item``: permission, cap check, locks,
double-entry legs, cached balances with F(), audit record), and concurrent redemption (``store.place_order``
on one shop item: stock row and account locks, hold posting, voucher), each against pgbench's built-in
TPC-B-like transaction on the same PostgreSQL in the same run.

Both run with 2 clients for ~10 s each, in 5 alternating rounds of ~2 s (Jishi, pgbench, Jishi, …) so that
the other load on a shared machine hits both sides alike: pgbench with 2 connections, Jishi with 2 client
processes (each its own connection and its own interpreter, so the two clients are not serialised by one
GIL; ``JISHI_BENCH_POINTS_MODE=threads`` runs 2 threads of one process instead, as measured before).
Each side gets a scratch database that is created and dropped here
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
ROUNDS = int(os.environ.get("JISHI_BENCH_POINTS_ROUNDS", "5"))


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


def _pgbench_args(url: str) -> tuple[list[str], dict]:
    u = urlparse(url)
    env = {**os.environ, "PGPASSWORD": u.password or ""}
    return ["-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"], env


def _pgbench_init(url: str, name: str) -> None:
    args, env = _pgbench_args(url)
    subprocess.run(["pgbench", *args, "-i", "-s", "1", "-q", name], check=True, env=env, capture_output=True)


def _pgbench(url: str, name: str, seconds: int) -> tuple[int, float]:
    """Run pgbench's TPC-B-like script for ``seconds``: (transactions, seconds), from its own tps figure
    (which leaves out connecting, as the Jishi side's clients are connected before they are timed)."""
    args, env = _pgbench_args(url)
    out = subprocess.run(["pgbench", *args, "-c", str(CLIENTS), "-T", str(seconds), "-n", name], check=True,
                         env=env, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    return round(tps * seconds), seconds


def child() -> None:
    """Runs in the child process: Django on the scratch database, then CLIENTS client processes posting
    (JISHI_BENCH_POINTS_MODE=threads: CLIENTS threads of this one process, as measured before)."""
    import multiprocessing as mp

    from bench.common import setup_django

    setup_django(os.environ["JISHI_DATABASE_URL"])
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
    # One warm-up award per person (opens the accounts), then count the statements of one steady-state award.
    cadre = get_user_model().objects.get(pk=cadre_id)
    for p in people:
        apply_item(cadre, p, item, key=f"warm:{p.pk}")
    with CaptureQueriesContext(connection) as ctx:
        apply_item(cadre, people[0], item, key="count")
    statements = len(ctx.captured_queries)  # including BEGIN and COMMIT: one round trip each
    connection.close()
    threads = os.environ.get("JISHI_BENCH_POINTS_MODE") == "threads"
    ctx_mp = mp.get_context("fork")
    url, pg_db, slice_s = os.environ["JISHI_DATABASE_URL"], os.environ["JISHI_BENCH_PGBENCH_DB"], SECONDS / ROUNDS

    def award_client(t: int):
        cadre = get_user_model().objects.get(pk=cadre_id)  # a fresh user per client (its scope is cached on it)
        return lambda n: apply_item(cadre, people[(n * CLIENTS + t) % len(people)], item, key=f"bench:{t}:{n}")

    awards, award_rate, award_tps = _alternate(award_client, threads, ctx_mp, url, pg_db, slice_s)
    redeem_rate, redeem_tps, orders = _redemption(people, cadre_id, city, threads, ctx_mp, url, pg_db, slice_s)
    report = reconcile()
    print(json.dumps({"rate": award_rate, "postings": awards, "reconciles": report.ok, "tps": award_tps,
                      "statements": statements, "mode": "threads" if threads else "processes",
                      "redeem_rate": redeem_rate, "redeem_tps": redeem_tps, "orders": orders}))


def _alternate(make_client, threads: bool, ctx_mp, url: str, pg_db: str, slice_s: float) -> tuple[int, float, float]:
    """CLIENTS clients (processes, or threads) each doing ``make_client(t)(n)`` for n = 0, 1, … while their round
    runs, alternating ROUNDS rounds with pgbench, so a change in the machine's other load hits both sides alike.
    Returns (operations, operations/s, pgbench tps)."""
    from django.db import connection

    event = threading.Event if threads else ctx_mp.Event
    starts, stops = [event() for _ in range(ROUNDS)], [event() for _ in range(ROUNDS)]
    counts = [0] * CLIENTS if threads else ctx_mp.Array("l", CLIENTS)

    def worker(t: int) -> None:
        do, n = make_client(t), 0
        for r in range(ROUNDS):
            starts[r].wait()
            while not stops[r].is_set():
                do(n)
                n += 1
            counts[t] = n
        connection.close()

    clients = [(threading.Thread if threads else ctx_mp.Process)(target=worker, args=(t,)) for t in range(CLIENTS)]
    for c in clients:
        c.start()
    time.sleep(1.0)  # let every client connect and load what it needs first
    jishi_s = pg_n = pg_s = 0.0
    for r in range(ROUNDS):
        t0 = time.perf_counter()
        starts[r].set()
        time.sleep(slice_s)
        stops[r].set()
        jishi_s += time.perf_counter() - t0
        time.sleep(0.1)  # the operations in flight finish
        n, s = _pgbench(url, pg_db, max(1, round(slice_s)))
        pg_n, pg_s = pg_n + n, pg_s + s
    for c in clients:
        c.join()
    return sum(counts), sum(counts) / jishi_s, pg_n / pg_s


def _redemption(people, cadre_id, city, threads, ctx_mp, url, pg_db, slice_s) -> tuple[float, float, int]:
    """Concurrent redemption: CLIENTS clients order one item of the same shop for the villagers (every order
    locks the one stock row and the villager's account: the hot spot of a market day), alternating with pgbench."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jishi.points.models import Merchant, Order, StoreItem
    from jishi.points.store import place_order

    shop = Merchant(name="压测积分超市", owner=city.people["merchant"], yuan_per_point="0.100")
    shop.place_in(city.regions["A1"])
    shop.save()
    soap = StoreItem(merchant=shop, name="肥皂", price=1, stock=10_000_000)
    soap.place_in(city.regions["A1"])
    soap.save()
    connection.close()

    def order_client(t: int):
        cadre, item = get_user_model().objects.get(pk=cadre_id), StoreItem.objects.get(pk=soap.pk)
        return lambda n: place_order(cadre, item, person=people[(n * CLIENTS + t) % len(people)], key=f"redeem:{t}:{n}")

    placed, rate, tps = _alternate(order_client, threads, ctx_mp, url, pg_db, slice_s)
    orders = Order.objects.filter(item=soap).count()
    assert orders == placed, (orders, placed)
    assert StoreItem.objects.get(pk=soap.pk).reserved == orders  # every order holds exactly one unit
    return rate, tps, orders


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
        _pgbench_init(url, pg_db)
        env = {**os.environ, "JISHI_DATABASE_URL": _with_db(url, jishi_db), "JISHI_BENCH_PGBENCH_DB": pg_db,
               "JISHI_DATA_DIR": os.environ.get("JISHI_DATA_DIR", "var")}
        proc = subprocess.run([sys.executable, "-c", "from bench.bench_points import child; child()"], env=env,
                              capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        if proc.returncode:
            raise RuntimeError(proc.stderr[-2000:])
        jishi = json.loads(proc.stdout.strip().splitlines()[-1])
        tps = jishi["tps"]
    finally:
        for name in (jishi_db, pg_db):
            _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert jishi["reconciles"], "the ledger did not reconcile after the benchmark"
    print(f"bench_points: {jishi['statements']} statements per award (BEGIN and COMMIT included), "
          f"{jishi['postings']} postings, {jishi['mode']}", file=sys.stderr)
    return [Result("points", f"award postings/s, service path, {CLIENTS} client {jishi['mode']}, "
                   f"{jishi['statements']} round trips/award (PostgreSQL)", jishi["rate"], tps,
                   "tx/s", "≥ 0.5 of pgbench TPC-B"),
            Result("points", f"concurrent redemption orders/s, {CLIENTS} client {jishi['mode']} on one shop item, "
                   f"{jishi['orders']:,} orders, reservations exact (PostgreSQL)", jishi["redeem_rate"], jishi["redeem_tps"],
                   "tx/s", "≥ 0.5 of pgbench TPC-B")]


if __name__ == "__main__":
    from bench.common import TABLE_HEAD

    print(TABLE_HEAD)
    for r in run():
        print(r.row())
