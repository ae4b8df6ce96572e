"""The real server for the HTTP benchmarks (bench_intake, bench_pages), on a scratch database.

``serving(kind)`` prepares a scratch copy of the kept demo dataset (bench/dataset.py: ``city`` by default,
``small`` with JISHI_BENCH_SCALE=small) — a SQLite file under var/bench/http-sqlite/, or a PostgreSQL
database ``<name>_bench_http`` made from the kept one as a template and dropped after — creates API
tokens, starts ``jishi serve --workers 2 --no-worker`` on a free port with JISHI_BENCH_VIEWS=1,
waits for /healthz and stops the whole process group afterwards. One server per database kind is
shared by every benchmark of a run (``python -m bench intake pages``) and stopped at exit.

``python -m bench.server probe`` (run with the server's environment) answers questions that need
Django in-process — demo points, category codes, case ids, SQL queries per page — as JSON, so the
bench process itself never binds Django to a database.
"""

from __future__ import annotations

import atexit
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench"
WRK_DIR = Path(__file__).resolve().parent / "wrk"
DEMO_PASSWORD = "jishi-demo"


@dataclass
class Server:
    """A running ``jishi serve`` on a scratch database."""

    kind: str  # "sqlite" | "postgresql"
    url: str
    env: dict[str, str]
    proc: subprocess.Popen
    tokens: dict[str, str] = field(default_factory=dict)  # username -> bearer token
    probe: dict = field(default_factory=dict)  # facts about the demo read in-process (see probe())
    _pg_drop: tuple[str, str] | None = None  # (admin URL, scratch database name)

    def rss_kib(self) -> dict[str, int]:
        """Peak resident memory (VmHWM, KiB) of the granian processes behind the server."""
        peaks = {}
        for pid in descendants(self.proc.pid):
            status = _read(f"/proc/{pid}/status")
            cmd = _read(f"/proc/{pid}/cmdline").replace("\0", " ")
            m = re.search(r"VmHWM:\s+(\d+) kB", status)
            if m and "granian" in cmd:
                peaks[pid] = int(m.group(1))
        return {"max_worker": max(peaks.values(), default=0), "total": sum(peaks.values()), "processes": len(peaks)}

    def login(self, username: str) -> dict[str, str]:
        """Log in over HTTP through the login form; the cookies a browser then holds (session and CSRF)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        page = opener.open(f"{self.url}/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"username": username, "password": DEMO_PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        try:  # a successful login answers 302 (not followed: only the cookie matters here)
            opener.open(urllib.request.Request(f"{self.url}/login/", data=body,
                                               headers={"Referer": f"{self.url}/login/"}), timeout=30).read()
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                raise
        cookies = {c.name: c.value for c in jar}
        if not cookies.get("sessionid") or not cookies.get("csrftoken"):
            raise RuntimeError(f"bench: logging in as {username} gave no session or CSRF cookie ({sorted(cookies)})")
        return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}

    def get_status(self, path: str, headers: dict[str, str]) -> int:
        return self.get(path, headers)[0]

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        """The status and headers (names in lower case: granian sends them so) of a GET (redirects not followed)."""
        req = urllib.request.Request(self.url + path, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=60) as answer:
                return answer.status, {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc; psutil is not a dependency)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat:
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def postgres_url() -> str | None:
    url = os.environ.get("JISHI_BENCH_DATABASE_URL") or os.environ.get("JISHI_DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://")) else None


def kinds() -> list[str]:
    """The databases to measure: SQLite always, PostgreSQL when one is configured (JISHI_BENCH_KINDS=postgresql
    to measure only one)."""
    wanted = ["sqlite"] + (["postgresql"] if postgres_url() else [])
    only = [k.strip() for k in os.environ.get("JISHI_BENCH_KINDS", "").split(",") if k.strip()]
    return [k for k in wanted if k in only] if only else wanted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jishi(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    out = subprocess.run([str(BIN / "jishi"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"bench: jishi {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out.stdout


def _python(env: dict[str, str], *args: str) -> str:
    """``python -m bench.server ARGS`` with the server's environment; its standard output."""
    out = subprocess.run([sys.executable, "-m", "bench.server", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"bench: python -m bench.server {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return out.stdout


def _pg_scratch(url: str) -> tuple[str, str, str]:
    """A scratch copy of the kept demo dataset beside ``url`` (bench/dataset.py): (its URL, admin URL, name)."""
    parts = urllib.parse.urlsplit(url)
    base = parts.path.lstrip("/") or "jishi"
    name = re.sub(r"[^a-z0-9_]", "_", f"{base}_bench_http".lower())[:60]
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    return dataset.postgres_copy(url, name), admin, name


def _pg_drop(admin: str, name: str) -> None:
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(kind: str) -> Server:
    """Copy the kept demo dataset (generated on a machine's first run) and start the server on the copy."""
    scale = dataset.scale()
    data_dir = VAR / f"http-{kind}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("JISHI_DATABASE_URL", "JISHI_TESTING")}
    env.update({"JISHI_DATA_DIR": str(data_dir), "JISHI_STATIC_ROOT": str(VAR / "static"),
                "DJANGO_SETTINGS_MODULE": "jishi.settings", "JISHI_BENCH_VIEWS": "1",
                # wrk sends thousands of requests a minute with one token: lift the per-caller limit (its
                # counter is still kept on every request, so its cost stays in the figures)
                "JISHI_API_RATE_LIMIT": os.environ.get("JISHI_BENCH_API_RATE_LIMIT", "1000000")})
    pg = None
    if kind == "postgresql":
        db_url, admin, name = _pg_scratch(postgres_url())
        env["JISHI_DATABASE_URL"] = db_url
        pg = (admin, name)
    t0 = time.perf_counter()
    try:
        if kind == "sqlite":
            dataset.sqlite_copy(data_dir)
        _python(env, "fill")
        if not _running:  # once per bench run, shared by both databases (pages need the static manifest)
            jishi(env, "collectstatic", "--noinput", "-v", "0")
        tokens = {
            "grid_worker": jishi(env, "token", "create", "--user", "grid_worker", "--scopes",
                                 "cases:write,cases:read", "--days", "0").strip().splitlines()[-1],
            **{who: jishi(env, "token", "create", "--user", who, "--scopes", "cases:read", "--days", "0")
               .strip().splitlines()[-1] for who in ("city_commander", "town_commander")},
        }
        probe_data = json.loads(_python(env, "probe"))
    except BaseException:
        if pg:
            _pg_drop(*pg)
        raise
    print(f"bench: {kind} scratch database ready ({scale}) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    port = free_port()
    proc = subprocess.Popen([str(BIN / "jishi"), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", os.environ.get("JISHI_BENCH_WORKERS", "2"), "--no-worker"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
    server = Server(kind, f"http://127.0.0.1:{port}", env, proc, tokens, probe_data, pg)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{server.url}/healthz", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(server)
                raise RuntimeError(f"bench: the server on {server.url} did not come up") from None
            time.sleep(0.3)
    return server


def stop(server: Server) -> None:
    """Stop the server's whole process group, then drop a PostgreSQL scratch database."""
    if server.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
    if server._pg_drop:
        _pg_drop(*server._pg_drop)
        server._pg_drop = None


_running: dict[str, Server] = {}


def serving(kind: str) -> Server:
    """The run's server for ``kind`` (started on first use, stopped when the bench process exits)."""
    if kind not in _running:
        _running[kind] = start(kind)
        atexit.register(stop, _running[kind])
    return _running[kind]


# --- wrk -------------------------------------------------------------------------------------

@dataclass
class Load:
    """One wrk run: throughput and latency percentiles."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors plus HTTP ≥ 400 answers

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_installed() -> bool:
    """True when wrk is on the PATH; else say how to get it (the HTTP benchmarks are then skipped)."""
    if shutil.which("wrk"):
        return True
    print("bench: skipped — the HTTP benchmarks need wrk (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
    return False


def wrk(server: Server, path: str, script: str = "get.lua", headers: dict[str, str] | None = None,
        env: dict[str, str] | None = None) -> Load:
    """Drive ``path`` with wrk over loopback, bounded (JISHI_BENCH_THREADS/CONNECTIONS/SECONDS)."""
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("bench: wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    cmd = [exe, "-t", os.environ.get("JISHI_BENCH_THREADS", "2"), "-c", os.environ.get("JISHI_BENCH_CONNECTIONS", "8"),
           "-d", f"{os.environ.get('JISHI_BENCH_SECONDS', '8')}s", "--timeout", "10s", "-s", str(WRK_DIR / script)]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(server.url + path)
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("JSON ")), None)
    if out.returncode or line is None:
        raise RuntimeError(f"bench: wrk failed on {path}:\n{out.stdout}\n{out.stderr}")
    d = json.loads(line[5:])
    return Load(d["requests"], d["duration_us"] / 1e6, d["p50_us"] / 1000, d["p99_us"] / 1000, d["errors"])


def fill(n: int = 60) -> int:
    """Give the department inbox work: ``n`` fresh cases reported in the grid worker's grid, accepted and
    dispatched to the department handler's department through the service functions (the small demo's
    year of cases is almost all closed, so the inbox would otherwise be empty)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from jishi.cases import intake, pickers, services
    from jishi.cases.models import Category
    from jishi.org.models import Household, StaffAssignment
    from jishi.org.policy import actor_for_user

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["grid_worker", "village_cadre", "town_commander", "department_handler"])}
    dept_id = (StaffAssignment.objects.filter(person__user=users["department_handler"], is_active=True,
                                              department__isnull=False).values_list("department_id", flat=True).first())
    cats = list(Category.objects.filter(is_active=True, parent__isnull=False).order_by("code"))
    grids = pickers.grid_ids(actor_for_user(users["grid_worker"]))  # in the worker's grid: the grid list has work too
    homes = list(Household.objects.filter(lng__isnull=False, grid_id__in=grids).order_by("id")
                 .values_list("lng", "lat")[:n])
    made = 0
    for i in range(n if homes else 0):
        lng, lat = homes[i % len(homes)]
        case = intake.report_case(users["grid_worker"], channel="patrol", category_code=cats[i % len(cats)].code,
                                  title=f"基准测试待签收事件 {i + 1}", lng=lng, lat=lat)
        for who in ("village_cadre", "town_commander"):
            if "accept" in services.available_verbs(users[who], case):
                services.accept(users[who], case)
                services.dispatch(users[who], case, department=dept_id)
                made += 1
                break
    return made


# --- in-process probe (run as a subprocess with the server's environment) ---------------------

PAGES = [  # (name, path, user) — path may name {case}: the probe fills in a case id the user can see
    ("department inbox /cases/dept/?tab={tab}", "/cases/dept/?tab={tab}", "department_handler"),
    ("grid worker list /cases/grid/", "/cases/grid/", "grid_worker"),
    ("command board /cases/board/?tab=all", "/cases/board/?tab=all", "city_commander"),
    ("case detail /cases/{case}/", "/cases/{case}/", "town_commander"),
]
API = [
    ("API list GET /api/v1/cases?limit=50", "/api/v1/cases?limit=50", "city_commander"),
    ("API detail GET /api/v1/cases/{case}", "/api/v1/cases/{case}", "town_commander"),
]


def probe() -> dict:
    """Demo points and categories for the intake script, a case id, SQL queries and server time per page."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    from jishi.cases.models import Case, Category
    from jishi.org.geo import locate_point
    from jishi.org.models import Household

    setup_test_environment()  # response.context for row counts; the database is the scratch one
    points = []
    for lng, lat in Household.objects.filter(lng__isnull=False).order_by("id").values_list("lng", "lat")[:400]:
        if locate_point(lng, lat) is not None:
            points.append([round(lng, 7), round(lat, 7)])
        if len(points) >= 200:
            break
    categories = list(Category.objects.filter(is_active=True, parent__isnull=False).order_by("code")
                      .values_list("code", flat=True))
    from django.core.signals import request_started
    from django.db import reset_queries

    from jishi.cases import lists
    from jishi.org.policy import actor_for_user

    request_started.disconnect(reset_queries)  # else each request empties the log CaptureQueriesContext reads
    # the case with the longest timeline the town commander can open: the heaviest detail page (the city
    # commander would do as well)
    commander = actor_for_user(get_user_model().objects.get(username="town_commander"))
    case = (lists.cases(commander).annotate(n=Count("events")).order_by("-n", "-pk")
            .values_list("pk", flat=True).first())
    # the department inbox tab with the most rows (at small scale "to acknowledge" may be empty)
    counts = lists.dept_tab_counts(actor_for_user(get_user_model().objects.get(username="department_handler")))
    tab = max(counts, key=lambda t: counts[t] or 0)
    pages, clients = {}, {}
    for name, path, who in PAGES + API:
        client = Client(HTTP_HOST="127.0.0.1")
        u = get_user_model().objects.get(username=who)
        headers = {}
        if path.startswith("/api/"):
            from jishi.platform import tokens

            _, text = tokens.create_token(None, u, "bench probe", ["cases:read"], days=1, allowed_ips=[])
            headers["HTTP_AUTHORIZATION"] = f"Bearer {text}"
        else:
            client.force_login(u)
        url = path.format(case=case, tab=tab)
        client.get(url, **headers)  # warm
        resp = client.get(url, **headers)  # for its template context (the rows); statements are counted below
        rows = None
        if resp.context is not None and "sections" in resp.context:  # before "rows": the grid page loops over it
            rows = sum(len(list(s[2])) for s in resp.context["sections"])
        elif resp.context is not None and "rows" in resp.context:
            rows = len(resp.context["rows"])
        elif path.startswith("/api/v1/cases?"):
            rows = len(resp.json().get("items", []))
        pages[name] = {"status": resp.status_code, "rows": rows}
        clients[name] = (client, url, headers)
    intake = _probe_intake(points, categories)
    # Server time without the test environment's template instrumentation (it copies every context a
    # template renders, which inflated a 50-row list's time by a third): wall and CPU time, mean of 20.
    teardown_test_environment()
    for name, (client, url, headers) in clients.items():
        for key in ("", "repeat_"):  # every request answered in full; repeat views revalidated (ETag → 304)
            sent = dict(headers)
            if key:
                sent["HTTP_IF_NONE_MATCH"] = client.get(url, **headers)["ETag"]
            client.get(url, **sent)
            reset_queries()  # the log is a bounded deque: once full, a capture would count nothing
            with CaptureQueriesContext(connection) as ctx:
                client.get(url, **sent)
            pages[name][f"{key}queries"] = len(ctx.captured_queries)
            t0, c0, n = time.perf_counter(), time.process_time(), 20
            for _ in range(n):
                client.get(url, **sent)
            pages[name][f"{key}server_ms"] = (time.perf_counter() - t0) / n * 1000
            pages[name][f"{key}cpu_ms"] = (time.process_time() - c0) / n * 1000
    return {"points": points, "categories": categories, "case": case, "tab": tab, "pages": pages,
            "intake": intake, "cases": Case.objects.count()}


def _probe_intake(points: list, categories: list, n: int = 20) -> dict:
    """In-process intake through the test client (``POST /api/v1/cases`` as the grid worker): SQL queries
    of one intake, and the mean wall and CPU time of ``n`` more (they stay in the scratch database)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from jishi.platform import tokens

    if not points or not categories:
        return {}
    _, text = tokens.create_token(None, get_user_model().objects.get(username="grid_worker"), "bench probe",
                                  ["cases:write", "cases:read"], days=1, allowed_ips=[])
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {text}")

    def one(i: int) -> int:
        lng, lat = points[i % len(points)]
        body = {"channel": "patrol", "category": categories[i % len(categories)], "title": f"基准测试探针 {i}",
                "description": "bench", "lng": lng, "lat": lat, "address": "基准测试地址"}
        return client.post("/api/v1/cases", json.dumps(body), content_type="application/json").status_code

    one(0)
    seen: list[str] = []

    def count(execute, sql, params, many, context):  # every statement, whatever the debug settings
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = one(1)
    if status != 201:
        raise RuntimeError(f"bench: the in-process intake answered {status}, not 201")
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        one(2 + i)
    out = {"status": status, "queries": len(seen), "server_ms": (time.perf_counter() - t0) / n * 1000,
           "cpu_ms": (time.process_time() - c0) / n * 1000}

    def form(i: int) -> int:  # the same report as an Open311 GeoReport v2 form POST with the same token
        lng, lat = points[i % len(points)]
        return client.post("/open311/v2/requests.json", {
            "api_key": text, "service_code": categories[i % len(categories)], "lat": lat, "long": lng,
            "description": f"基准测试探针 {i}", "address_string": "基准测试地址", "first_name": "三", "last_name": "张",
        }, HTTP_AUTHORIZATION="").status_code

    form(100)
    seen.clear()
    with connection.execute_wrapper(count):
        status = form(101)
    if status != 201:
        raise RuntimeError(f"bench: the in-process Open311 POST answered {status}, not 201")
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        form(102 + i)
    out["open311"] = {"status": status, "queries": len(seen), "server_ms": (time.perf_counter() - t0) / n * 1000,
                      "cpu_ms": (time.process_time() - c0) / n * 1000}
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["probe"]:
        print(json.dumps(probe(), default=str))
    elif sys.argv[1:] == ["fill"]:
        print(f"dispatched {fill()} cases to the department handler's department")
    else:
        print("usage: python -m bench.server probe|fill", file=sys.stderr)
        raise SystemExit(2)
