"""One Actor, one scope, every surface: for the same key, ``GET /api/v1/cases`` (every page), the Open311
``requests.json`` list and ``Case.objects.restrict(actor, "view")`` name the same cases — for every role of the
test city, for a port limited to a region and for a port limited to a department. And a token request leaves
nothing on the ``User``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.cases.intake import report_case
from jishi.cases.models import Case
from jishi.core.actor import OPEN311, PORT
from jishi.platform import clients, tokens
from jishi.platform.models import ApiToken

ROLES = ("admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "grid_worker_b", "liaison", "volunteer", "dept_urban", "dept_water", "resident",
         "informant", "merchant", "nobody")
# Reports made by the accounts themselves, some outside their own region: an account sees its own reports.
OWN_REPORTS = {"resident": "A1a1", "informant": "B2b2", "town_commander": "B1a1", "grid_worker_b": "A1a2",
               "dept_urban": "A2a1", "nobody": "B2a1"}


@pytest.fixture
def cases(city, cases_everywhere):
    """One case in every micro-grid (every other one dispatched to the urban department) and the own reports."""
    out = list(cases_everywhere)
    for who, where in OWN_REPORTS.items():
        lng, lat = city.point_in(where)
        out.append(report_case(city.user(who), channel="resident", category_code="0101", title=f"{who}的上报",
                               lng=lng, lat=lat))
    return out


def _v1(client: Client) -> set[int]:
    seen, cursor = set(), None
    while True:
        r = client.get("/api/v1/cases", {"limit": 7, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.content
        body = r.json()
        seen |= {c["id"] for c in body["items"]}
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


def _open311(client: Client, key: str) -> set[int]:
    r = client.get("/open311/v2/requests.json", {"api_key": key})
    assert r.status_code == 200, r.content
    numbers = [x["service_request_id"] for x in r.json()]
    return set(Case.objects.filter(number__in=numbers).values_list("pk", flat=True))


def _restricted(text: str, kind: str | None = None) -> set[int]:
    row = tokens.authenticate(text, None)
    actor = tokens.actor_for(row) if kind is None else tokens.actor_for(row, kind=kind)
    return set(Case.objects.restrict(actor, "view").values_list("pk", flat=True))


def _port(city, account: str, **limit) -> str:
    admin = city.user("admin")
    port = clients.open_client(admin, name="一致性", kind="partner", owner=admin, account=city.user(account),
                               scopes=["cases:read"], **limit)
    return clients.issue_token(admin, port.pk, name="t")[1]


def _surfaces(text: str) -> tuple[set[int], set[int], set[int]]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    return _v1(client), _open311(Client(), text), _restricted(text)


@pytest.mark.parametrize("role", ROLES)
def test_the_v1_list_open311_and_restrict_agree_for_every_role(city, cases, role):
    _, text = tokens.create_token(None, city.user(role), "一致性", ["cases:read"])
    v1, open311, restricted = _surfaces(text)
    assert v1 == restricted, "GET /api/v1/cases"
    assert open311 == restricted, "GET /open311/v2/requests.json"
    own = {c.pk for c in cases if c.reporter_user_id == city.user(role).pk}
    assert own <= restricted  # an account sees its own reports


def test_every_surface_agrees_through_a_port_limited_to_a_region(city, cases):
    village = city.regions["A1"]
    text = _port(city, "town_commander", region=village)  # the account's own report in B1a1 is out
    v1, open311, restricted = _surfaces(text)
    assert restricted == {c.pk for c in cases if c.village_id == village.pk} and restricted
    assert v1 == restricted, "GET /api/v1/cases"
    assert open311 == restricted, "GET /open311/v2/requests.json"
    assert _restricted(text, kind=OPEN311) == restricted


def test_every_surface_agrees_through_a_port_limited_to_a_department(city, cases):
    text = _port(city, "dept_urban", department=city.departments["urban"])  # its own report is not dispatched
    v1, open311, restricted = _surfaces(text)
    assert restricted == {c.pk for c in cases if c.handling_department_id == city.departments["urban"].pk}
    assert len(restricted) == 8
    assert v1 == restricted, "GET /api/v1/cases"
    assert open311 == restricted, "GET /open311/v2/requests.json"


def test_a_ports_actor_is_narrowed_and_names_its_port(city):
    text = _port(city, "town_commander", region=city.regions["A1"])
    row = tokens.authenticate(text, None)
    actor = tokens.actor_for(row)
    assert (actor.kind, actor.port_id, actor.narrowed) == (PORT, row.client_id, True)
    assert actor.token_scopes == {"cases:read"}
    assert actor.scope("view").village == {city.regions["A1"].pk} and not actor.scope("view").user


def _jishi_attributes(obj) -> list[str]:
    return sorted(a for a in vars(obj) if a.startswith("_jishi"))


@pytest.mark.parametrize("path", ["/api/v1/org/regions", "/api/v1/org/people", "/api/v1/notifications",
                                  "/api/v1/cases", "/api/v1/webhooks/subscriptions"])
def test_a_token_request_writes_nothing_onto_the_user(city, path):
    admin = city.user("admin")
    port = clients.open_client(admin, name="无痕", kind="partner", owner=admin, account=city.user("town_commander"),
                               scopes=["cases:read", "org:read", "notify:read"], region=city.regions["A1"])
    _, text = clients.issue_token(admin, port.pk, name="t")
    r = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get(path)
    assert r.status_code == 200, r.content
    request = r.wsgi_request
    assert request.user == city.user("town_commander") and request.actor.narrowed
    assert _jishi_attributes(request.user) == []
    assert _jishi_attributes(request.api_token) == [] and request.api_token.scopes == sorted(
        ApiToken.objects.get(pk=request.api_token.pk).scopes)


def test_an_open311_request_writes_nothing_onto_the_user(city, cases):
    _, text = tokens.create_token(None, city.user("grid_worker"), "open311", ["cases:read"])
    r = Client().get("/open311/v2/requests.json", {"api_key": text})
    assert r.status_code == 200
    assert r.wsgi_request.actor.kind == OPEN311
    assert _jishi_attributes(r.wsgi_request.api_token.user) == []
