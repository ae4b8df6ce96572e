"""In-process cost of the case pages (issue 16): statements and CPU per page, afresh and revalidated (304), against
the minimal view behind the same middleware — no server, no wrk, so the figures hold on a loaded machine.

    JISHI_DATA_DIR=/tmp/x python -m bench.pages_probe [--fill] [--profile NAME] [-n 40]

Runs against the configured database (a scratch small demo: ``jishi demo --scale small``; ``--fill`` first
dispatches 60 fresh cases to the department handler, as ``bench.server fill`` does, so the inbox has a full page).
``--profile NAME`` prints cProfile's top entries (cumulative and own time) of ``NAME`` (inbox, grid, board, detail,
or one of them with ``-304``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill", action="store_true")
    ap.add_argument("--profile", default="")
    ap.add_argument("-n", type=int, default=40)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
    os.environ.setdefault("JISHI_BENCH_VIEWS", "1")
    if args.fill:
        from bench.server import fill

        print(f"filled {fill()}", file=sys.stderr)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from jishi.cases import lists
    from jishi.org.policy import actor_for_user

    users = get_user_model().objects
    commander = actor_for_user(users.get(username="town_commander"))
    case = (lists.cases(commander).annotate(n=Count("events")).order_by("-n", "-pk")
            .values_list("pk", flat=True).first())
    counts = lists.dept_tab_counts(actor_for_user(users.get(username="department_handler")))
    tab = max(counts, key=lambda t: counts[t] or 0)
    pages = [("minimal", "/__bench__/minimal", "city_commander"),
             ("inbox", f"/cases/dept/?tab={tab}", "department_handler"),
             ("grid", "/cases/grid/", "grid_worker"),
             ("board", "/cases/board/?tab=all", "city_commander"),
             ("detail", f"/cases/{case}/", "town_commander")]
    out = {}
    for name, url, who in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users.get(username=who))
        client.get(url)  # sets the CSRF cookie: a page is revalidated only with one
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        for key in ("", "-304"):
            headers = {}
            if key:
                if not first.has_header("ETag"):
                    continue
                headers["HTTP_IF_NONE_MATCH"] = client.get(url)["ETag"]
            resp = client.get(url, **headers)
            assert resp.status_code == (304 if key else 200), (url, resp.status_code)
            seen: list[str] = []

            def count(execute, sql, params, many, context, seen=seen):
                seen.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(url, **headers)
            label = name + key
            if args.profile == label:
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(args.n):
                    client.get(url, **headers)
                prof.disable()
                for order in ("cumulative", "tottime"):
                    s = io.StringIO()
                    pstats.Stats(prof, stream=s).sort_stats(order).print_stats(35)
                    print(s.getvalue())
            c0 = time.process_time()
            for _ in range(args.n):
                client.get(url, **headers)
            cpu = (time.process_time() - c0) / args.n * 1000
            out[label] = {"statements": len(seen), "cpu_ms": round(cpu, 2), "bytes": len(resp.content),
                          "sql": seen}
    base = out["minimal"]["cpu_ms"]
    for label, facts in out.items():
        print(f"{label:12} {facts['statements']:3d} statements  {facts['cpu_ms']:7.2f} ms CPU  "
              f"in-process ratio {base / facts['cpu_ms']:.3f}  {facts['bytes']:,} bytes")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
