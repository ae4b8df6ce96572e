"""Issue 13, item 7: an Idempotency-Key with a tab (or anything but visible ASCII) is refused on every POST;
twenty parallel orders with one key make one order and answer 201 once — every other answer is the replay,
200 with ``Idempotent-Replayed: true``; and a second "verify passed" of the same round is 409, also when two
arrive at once, on the API and on the page."""

from __future__ import annotations

import json
import threading

import pytest
from django.conf import settings
from django.test import Client

from jishi.cases import services
from jishi.cases.intake import report_case
from jishi.cases.models import Case, CaseEvent
from jishi.platform import tokens
from jishi.points.earning import apply_item
from jishi.points.models import Merchant, Order, StoreItem
from jishi.points.rules import seed_template
from tests.concurrency import at_once


def together(n: int, fn):
    """``at_once`` on real connections. PostgreSQL runs them truly at once; SQLite's in-memory test database is
    shared-cache (a second writer gets "table is locked", not a wait), so there the threads take turns — each
    still on its own connection, as SQLite serialises writers anyway."""
    if settings.IS_POSTGRES:
        return at_once(n, fn)
    turn = threading.Lock()

    def one(t: int):
        with turn:
            return fn(t)

    return at_once(n, one)


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def _token_client(user, scopes) -> Client:
    _, text = tokens.create_token(None, user, "test", scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _handled_case(city) -> Case:
    admin = city.user("admin")
    lng, lat = city.point_in("A1a1")
    case = report_case(admin, channel="hotline", category_code="0101", title="井盖缺失", lng=lng, lat=lat)
    services.act(admin, case, "accept")
    services.act(admin, case, "dispatch", department=city.departments["urban"].pk)
    dept = city.user("dept_urban")
    services.act(dept, case, "acknowledge")
    services.act(dept, case, "handle", note="已更换井盖")
    return Case.objects.get(pk=case.pk)


def _shop(city) -> StoreItem:
    items = {i.code: i for i in seed_template()}
    for n in range(3):
        apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key=f"g{n}")
    m = Merchant(name="A1村积分超市", owner=city.people["merchant"], yuan_per_point="0.100")
    m.place_in(city.regions["A1"])
    m.save()
    soap = StoreItem(merchant=m, name="肥皂", price=20, stock=50)
    soap.place_in(city.regions["A1"])
    soap.save()
    return soap


# --- the key itself -------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["ack\t1", "ack 1", "键-1", "ack\x7f", "\tack"])
def test_a_key_that_is_not_visible_ascii_is_refused_on_every_post(city, bearer, key):
    case = _handled_case(city)
    lng, lat = city.point_in("A1a1")
    report = {"channel": "patrol", "category": "0101", "title": "井盖缺失", "lng": lng, "lat": lat}
    answers = [
        _post(bearer("grid_worker"), f"/api/v1/cases/{case.pk}/verify", {"passed": True}, HTTP_IDEMPOTENCY_KEY=key),
        _post(bearer("grid_worker"), "/api/v1/cases", report, HTTP_IDEMPOTENCY_KEY=key),  # a domain key
        _post(bearer("resident"), f"/api/v1/points/store/{_shop(city).pk}/orders", HTTP_IDEMPOTENCY_KEY=key),
    ]
    for r in answers:
        assert r.status_code == 422, r.content
        assert r.json()["code"] == "idempotency_key_invalid" and r.json()["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1 and not Order.objects.exists()
    assert not CaseEvent.objects.filter(case=case, verb="verify").exists()


def test_a_visible_ascii_key_is_taken(city, bearer):
    case = _handled_case(city)
    r = _post(bearer("grid_worker"), f"/api/v1/cases/{case.pk}/verify", {"passed": True},
              HTTP_IDEMPOTENCY_KEY="verify-1042_a.b~!")
    assert r.status_code == 200


# --- parallel orders with one key -------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_orders_with_one_key_make_one_order_and_answer_201_once(city):
    soap = _shop(city)
    user = city.user("resident")
    clients = [_token_client(user, ["points:read", "points:post"]) for _ in range(20)]

    def order(t: int) -> tuple[int, dict, str | None]:
        r = clients[t].post(f"/api/v1/points/store/{soap.pk}/orders", HTTP_IDEMPOTENCY_KEY="tap-20")
        return r.status_code, r.json(), r.get("Idempotent-Replayed")

    answers, errors = together(20, order)
    assert not errors, errors
    statuses = sorted(s for s, _, _ in answers)
    assert statuses == [200] * 19 + [201], [(s, b) for s, b, _ in answers if s not in (200, 201)]
    assert {body["id"] for _, body, _ in answers} == {Order.objects.get().pk}
    assert all(replayed == "true" for s, _, replayed in answers if s == 200)
    assert all(replayed is None for s, _, replayed in answers if s == 201)
    soap.refresh_from_db()
    assert soap.reserved == 1


def test_a_retried_order_is_200_with_the_replay_header(city, bearer):
    soap = _shop(city)
    villager = bearer("resident")
    first = villager.post(f"/api/v1/points/store/{soap.pk}/orders", HTTP_IDEMPOTENCY_KEY="tap")
    again = villager.post(f"/api/v1/points/store/{soap.pk}/orders", HTTP_IDEMPOTENCY_KEY="tap")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()


# --- verify once per round ----------------------------------------------------------------------------

def test_a_second_verify_of_the_same_round_is_409_and_writes_no_second_row(city, bearer):
    case = _handled_case(city)
    leader = bearer("grid_leader")
    assert _post(leader, f"/api/v1/cases/{case.pk}/verify", {"passed": True}).status_code == 200
    for _ in range(7):
        r = _post(leader, f"/api/v1/cases/{case.pk}/verify", {"passed": True})
        assert r.status_code == 409 and r.json()["code"] == "already_verified"
    assert CaseEvent.objects.filter(case=case, verb="verify").count() == 1
    assert "verify" not in services.available_verbs(city.user("grid_leader"), Case.objects.get(pk=case.pk))


def test_after_rework_and_a_new_handling_the_next_round_is_verified_again(city):
    case = _handled_case(city)
    services.act(city.user("grid_leader"), case, "verify", passed=True)
    services.act(city.user("admin"), case, "reopen", reason="群众反映仍有异味")
    services.act(city.user("dept_urban"), case, "handle", note="再次清理")
    services.act(city.user("grid_leader"), case, "verify", passed=True)
    assert CaseEvent.objects.filter(case=case, verb="verify").count() == 2


def test_a_second_verify_on_the_page_gets_a_clear_message(city, client, login):
    case = _handled_case(city)
    login("grid_leader")
    client.post(f"/cases/{case.pk}/do/verify/", {"passed": "1"})
    r = client.post(f"/cases/{case.pk}/do/verify/", {"passed": "1"}, follow=True)
    assert "本轮处置已核查通过，不能重复核查" in r.content.decode()
    assert CaseEvent.objects.filter(case=case, verb="verify").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_verify_writes_one_row_and_the_other_is_told(city):
    case = _handled_case(city)
    clients = [_token_client(city.user("grid_leader"), ["cases:act", "cases:read"]) for _ in range(2)]

    def verify(t: int) -> tuple[int, str]:
        r = _post(clients[t], f"/api/v1/cases/{case.pk}/verify", {"passed": True})
        return r.status_code, r.json().get("code", "")

    answers, errors = together(2, verify)
    assert not errors, errors
    assert sorted(s for s, _ in answers) == [200, 409]
    assert next(code for s, code in answers if s == 409) in ("already_verified", "stale")
    assert CaseEvent.objects.filter(case=case, verb="verify").count() == 1
