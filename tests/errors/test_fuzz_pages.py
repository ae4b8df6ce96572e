"""Fuzz of the pages (issue 13, acceptance): every route of the URLconf, its path parameters and the query
parameters its module reads mutated — dates out of range, ids past any integer column, numbers, huge and
unicode strings, NUL — signed in as a city commander, a town commander, a grid worker and a resident (and
anonymous). No answer is a 5xx, and every error is in its path's format: the framed HTML page for pages, the
GeoReport error list for /open311/, problem+json for /api/.

Deterministic (a fixed seed) and bounded (~3,500 requests, ~1.5 min on SQLite or PostgreSQL); marked slow.
"""

from __future__ import annotations

import inspect
import json
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jishi.org.models import Region
from jishi.platform import tokens

pytestmark = pytest.mark.slow

SEED = 20261204
PER_ROUTE = 6  # mutated GET requests per route and role (besides the plain one)
POSTS_PER_ROUTE = 2
ROLES = ("city_commander", "town_commander", "grid_worker", "resident", None)
SKIP_PREFIXES = ("admin/", "i18n/", "media/", "logout/", "__test__", "bench/")
NO_POST = ("security/", "login/")  # enrolling a second factor or logging in again would change the session

HUGE = "长" * 20_000
DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "2026-11-27", "9999-12-31T23:59:59Z", "2026-13-01", "1900-01-01"]
NUMBERS = ["-1", "0", "1", "2147483648", "9223372036854775807", "9223372036854775808", "1" + "0" * 30, "1e309",
           "nan", "-0", "１２", " 7 ", "3.5"]
STRINGS = ["", "abc", "测试🙂\u202e", "a\x00b", "\x00", HUGE, "<script>", "%", "' OR 1=1 --", "[]", "true"]
QUERY_VALUES = DATES + NUMBERS + STRINGS
PATH_INTS = ["0", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999999"]
PATH_STRS = ["x", "测试", "a" * 300, "a%00b", "2026-11", "9999-99", "🙂", "town", "grid"]
GET_KEY = re.compile(r"""(?:GET|POST|params|query)(?:\.get|\.getlist|\.pop)?\(\s*["']([A-Za-z_]\w*)["']"""
                     r"""|(?:GET|POST)\[\s*["']([A-Za-z_]\w*)["']\s*\]""")

OPEN311_KEYS = ("service_code", "start_date", "end_date", "status", "service_request_id", "lat", "long",
                "address_string", "address_id", "email", "description", "media_url", "first_name", "phone")
INDIRECT_KEYS = ("from", "to", "region", "within", "month", "unit_type", "format", "service_code", "start_date",
                 "end_date", "status", "service_request_id", "lat", "long", "api_key")


@dataclass
class Route:
    template: str  # "/cases/{pk}/do/{verb}/"
    params: dict[str, str]  # name -> "int" | "str" | "slug" | "path" | "re"
    keys: list[str]  # query parameters its module reads


def _view_module_source(callback) -> str:
    func = inspect.unwrap(getattr(callback, "view_class", callback))
    try:
        return inspect.getsource(inspect.getmodule(func))
    except (TypeError, OSError):
        return ""


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        text = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + text)
        elif isinstance(p, URLPattern):
            yield prefix + text, p.callback


def parse_pattern(raw: str) -> tuple[str, dict[str, str]]:
    """``cases/<int:pk>/`` → (``cases/{pk}/``, {"pk": "int"}); a regex's named groups become "re" ("fmt")."""
    params: dict[str, str] = {}

    def route_param(m):
        params[m.group(2)] = m.group(1) or "str"
        return "{" + m.group(2) + "}"

    def regex_param(m):
        params[m.group(1)] = "fmt" if m.group(1) == "fmt" else "re"
        return "{" + m.group(1) + "}"

    template = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", regex_param, raw)
    template = re.sub(r"<(?:(\w+):)?(\w+)>", route_param, template)
    return template.replace("^", "").replace("$", "").replace("\\", ""), params


def routes() -> list[Route]:
    found: dict[str, Route] = {}
    for raw, callback in _walk(get_resolver().url_patterns):
        template, params = parse_pattern(raw)
        if template.startswith(SKIP_PREFIXES) or template.startswith("api/"):
            continue
        source = _view_module_source(callback)
        keys = sorted({a or b for a, b in GET_KEY.findall(source)} | {k for k in INDIRECT_KEYS if f'"{k}"' in source})
        if template.startswith("open311/"):
            keys = sorted({*keys, *OPEN311_KEYS})
        found.setdefault(template, Route("/" + template, params, keys))
    return list(found.values())


def fill(route: Route, rng: random.Random, real_ids: list[str], mutate: bool) -> str:
    values = {}
    for name, kind in route.params.items():
        if kind == "fmt":
            values[name] = rng.choice(["json", "xml"])
        elif kind == "int":
            values[name] = rng.choice(PATH_INTS + real_ids * 3) if mutate else rng.choice(real_ids)
        else:
            values[name] = rng.choice(PATH_STRS) if mutate else "x"
    return route.template.format(**values)


def check_format(path: str, response) -> str | None:
    """Why the error answer is in the wrong format, or None."""
    body = response.content
    ctype = response.get("Content-Type", "")
    if path.startswith("/open311/"):
        try:
            if "xml" in ctype:
                ok = ET.fromstring(body).tag == "errors"
            else:
                ok = isinstance(json.loads(body), list) and "code" in json.loads(body)[0]
        except (ValueError, ET.ParseError, IndexError, KeyError):
            ok = False
        return None if ok else f"not a GeoReport error list ({ctype})"
    if path.startswith("/map/tiles/") and response.status_code == 404 and ctype.startswith("text/plain"):
        return None  # the tile endpoint is fetched by the map as an image: a small plain 404, no page
    if not ctype.startswith("text/html"):
        return f"an error page as {ctype or 'no content type'}"
    if b"jishi.css" not in body or b'<main id="main"' not in body:
        return "an error page without the site's frame"
    return None


@pytest.fixture
def fuzz_city(city, report):
    cases = [report(), report(where="A1b1"), report(who="grid_worker_b", where="B1a1")]
    return city, [str(c.pk) for c in cases]


def test_no_page_answers_5xx_and_every_error_is_in_its_format(client, fuzz_city, caplog):
    city, case_ids = fuzz_city
    real_ids = sorted({*case_ids, *(str(pk) for pk in Region.objects.values_list("pk", flat=True)[:6]), "1"})
    rng = random.Random(SEED)
    table = routes()
    assert len(table) > 50  # every page of the URLconf (admin, i18n and the API aside)
    failures: list[str] = []
    sent = 0

    def send(method: str, url: str, data: dict, who) -> None:
        nonlocal sent
        sent += 1
        try:
            if method == "GET":
                response = client.get(url, data)
            else:
                response = client.post(url, data)
        except Exception as exc:  # the test client re-raises a view's exception: that is a 500
            failures.append(f"{who} {method} {url[:120]} {str(data)[:160]}: raised {type(exc).__name__}: "
                            f"{str(exc)[:160]}")
            return
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url[:120]} {str(data)[:160]}: {response.status_code}")
        elif response.status_code >= 400:
            why = check_format(url, response)
            if why:
                failures.append(f"{who} {method} {url[:120]} {str(data)[:160]}: {response.status_code} {why}")

    for who in ROLES:
        client.logout()
        key = {}
        if who:
            client.force_login(city.user(who))
            key = {"api_key": tokens.create_token(None, city.user(who), "fuzz", ["cases:read", "cases:write"])[1]}
        for route in table:
            send("GET", fill(route, rng, real_ids, mutate=False), {}, who)
            for _ in range(PER_ROUTE):
                url = fill(route, rng, real_ids, mutate=rng.random() < 0.3)
                keys = rng.sample(route.keys, k=min(len(route.keys), rng.randint(1, 3))) if route.keys else []
                data = {k: rng.choice(QUERY_VALUES) for k in keys}
                send("GET", url, {**key, **data} if url.startswith("/open311/") else data, who)
            if route.template.lstrip("/").startswith(NO_POST):
                continue
            for _ in range(POSTS_PER_ROUTE):
                url = fill(route, rng, real_ids, mutate=False)
                data = {k: rng.choice(QUERY_VALUES) for k in rng.sample(route.keys, k=min(len(route.keys), 6))}
                send("POST", url, {**key, **data} if url.startswith("/open311/") else data, who)
    backstop = sorted({re.sub(r"\d{3,}", "N", r.getMessage())[:160] for r in caplog.records
                       if r.name == "jishi.web" and r.getMessage().startswith("bad input on")})
    print(f"{sent} requests over {len(table)} routes; left to the 400 backstop:", *backstop, sep="\n  ")
    kinds = {}  # one line per route, method and kind of failure
    for line in failures:
        who, method, url, rest = line.split(" ", 3)
        kinds.setdefault((method, re.sub(r"/\d+", "/N", url), rest.rsplit(": ", 1)[-1][:80]), line)
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(list(kinds.values())[:60])
