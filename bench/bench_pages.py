"""Work pages and case API over HTTP vs the same server's minimal view (issue 8, issue 3).

wrk drives, with a session cookie obtained by logging in through the login form (HTML) or a
bearer token (API):

    /cases/dept/?tab=…      department inbox          department_handler (the tab with the most rows)
    /cases/grid/            grid worker list          grid_worker
    /cases/board/?tab=all   command board (50 rows)   city_commander
    /cases/<id>/            case detail               town_commander (the case with the longest timeline)
    GET /api/v1/cases?limit=50 (city_commander) and /api/v1/cases/<id> (town_commander), bearer tokens

Each page and API call is driven twice: without a validator, so every request is answered in full — queried
and rendered; and as repeat views sending back the answer's ETag (``If-None-Match``), answered 304 Not Modified
while nothing changed (``jishi.http.conditional``, ``jishi.http.revalidation``).

Targets (issue 16): a page answered afresh ≥ 0.10 of the minimal view for a 50-row list, ≥ 0.15 for a case
detail; a repeat view (304) ≥ 0.30 for any of them. SQL queries per page
and in-process server time come from the probe (CaptureQueriesContext, Django's test client).
Runs after bench_intake in the same process on the same server when both are asked for, so the
lists then also hold the cases the intake run made.
"""

from __future__ import annotations

import sys
import time

from bench.common import Result
from bench.server import API, PAGES, Server, kinds, serving, wrk, wrk_installed


def _target(name: str, repeat: bool = False) -> str:
    if repeat:
        return "ratio ≥ 0.30"
    return "ratio ≥ 0.15" if "detail" in name else "ratio ≥ 0.10"


def results_for(kind: str) -> list[Result]:
    server: Server = serving(kind)
    case, tab = server.probe["case"], server.probe["tab"]
    minimal = wrk(server, "/__bench__/minimal")
    out = [Result(f"pages ({kind})", "GET /__bench__/minimal (baseline)", minimal.rps, minimal.rps, "req/s", "baseline")]
    cookies: dict[str, dict[str, str]] = {}
    for name, path, who in PAGES + API:
        url = path.format(case=case, tab=tab)
        facts = server.probe["pages"].get(name, {})
        label = name.format(case=case, tab=tab)
        if url.startswith("/api/"):
            auth = {"Authorization": f"Bearer {server.tokens[who]}"}
        else:
            if who not in cookies:
                cookies[who] = server.login(who)
            auth = {"Cookie": f"sessionid={cookies[who]['sessionid']}; csrftoken={cookies[who]['csrftoken']}"}
        # Every request answered in full, then repeat views revalidated with the answer's ETag (304).
        status, answer = server.get(url, auth)
        if status != 200 or "etag" not in answer:
            raise RuntimeError(f"bench: {url} as {who} answered {status} (ETag {answer.get('etag')}), not 200 with one")
        for key, expected in (("", 200), ("repeat_", 304)):
            headers = auth
            if key == "repeat_":  # the ETag names the minute: take it at the start of one, so wrk's run stays inside
                time.sleep(max(0.0, 60 - time.time() % 60 + 0.5) if time.time() % 60 > 40 else 0)
                headers = {**auth, "If-None-Match": server.get(url, auth)[1]["etag"]}
            status = server.get_status(url, headers)
            if status != expected:
                raise RuntimeError(f"bench: {url} as {who} answered {status}, not {expected}")
            load = wrk(server, url, headers=headers)
            kind_of_view = {"": "every request afresh", "repeat_": "repeat view, revalidated: 304"}[key]
            detail = (f"{label} as {who}" + (f" ({kind_of_view})" if kind_of_view else "")
                      + f": {facts.get('rows', '?')} rows, {facts.get(key + 'queries', '?')} SQL queries, "
                      f"server {facts.get(key + 'server_ms', 0):.1f} ms ({facts.get(key + 'cpu_ms', 0):.1f} ms CPU), "
                      f"p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms"
                      + (f", {load.errors} errors" if load.errors else ""))
            print(f"bench: {kind} {detail}: {load.rps:,.0f} req/s", file=sys.stderr)
            out.append(Result(f"pages ({kind})", detail, load.rps, minimal.rps, "req/s", _target(name, key == "repeat_")))
    return out


def run() -> list[Result]:
    if not wrk_installed():
        return []
    out = []
    for kind in kinds():
        out += results_for(kind)
    return out


if __name__ == "__main__":
    from bench.common import TABLE_HEAD

    rows = run()
    print(TABLE_HEAD)
    for r in rows:
        print(r.row())
