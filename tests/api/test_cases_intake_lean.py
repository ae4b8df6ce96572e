"""The lean intake (issue 8): the case row is written once, the 201 answer is built from what intake
wrote (no read-back) and is exactly the detail a GET of the same case returns to the same caller,
and case numbers stay the day and the id (racing intakes: tests/cases/test_intake_race.py)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jishi.cases import intake, services
from jishi.cases.models import Case
from jishi.core.scope import holds
from jishi.org.policy import actor_for_user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200



def _post(client: Client, body: dict):
    return client.post("/api/v1/cases", json.dumps(body), content_type="application/json")


def _body(city, where: str = "A1a1", **extra) -> dict:
    lng, lat = city.point_in(where)
    return {"channel": "patrol", "category": "0101", "title": "楼道口暴露垃圾", "description": "三楼东侧",
            "lng": lng, "lat": lat, "address": "幸福路 8 号", **extra}


@pytest.mark.parametrize("who, extra", [
    ("grid_worker", {}),
    ("grid_worker", {"photos": [{"name": "a.jpg", "content_base64": base64.b64encode(JPEG).decode()},
                                {"name": "b.jpg", "content_base64": base64.b64encode(JPEG).decode()}]}),
    ("city_commander", {"channel": "hotline", "external_ref": "12345-77", "reporter_name": "王小明",
                        "reporter_phone": "13912345678", "priority": "urgent"}),
    ("town_commander", {"channel": "visit", "anonymous": True}),
])
def test_the_201_answer_is_exactly_the_detail_a_get_returns(city, bearer, who, extra):
    client = bearer(who)
    r = _post(client, _body(city, **extra))
    assert r.status_code == 201, r.content
    made = r.json()
    again = client.get(f"/api/v1/cases/{made['id']}")
    assert again.status_code == 200
    assert made == again.json()
    assert len(made["timeline"]) == 1 and made["timeline"][0]["verb"] == "report"
    assert len(made["attachments"]) == len(extra.get("photos", []))
    assert made["timeline"][0]["attachment_ids"] == [a["id"] for a in made["attachments"]]


def test_intake_writes_the_case_row_once_and_reads_nothing_of_it_back(city, bearer, settings):
    settings.JISHI_CONSUMERS_EAGER = False  # the request's own statements: the timeline's consumers run in the worker
    client = bearer("grid_worker")
    with CaptureQueriesContext(connection) as ctx:
        r = _post(client, _body(city))
    assert r.status_code == 201, r.content
    sql = [q["sql"] for q in ctx.captured_queries]
    case_table = re.compile(r'\b(UPDATE|FROM) "?cases_(case|caseevent|attachment|caseassignment)"?[\s.]')
    assert [s for s in sql if case_table.search(s)] == []
    assert sum(s.startswith("INSERT INTO \"cases_case\"") for s in sql) == 1
    case = Case.objects.get(pk=r.json()["id"])
    assert case.number == f"{timezone.localtime(case.reported_at):%Y%m%d}{case.pk:05d}" == r.json()["number"]


def test_a_retry_answers_200_with_the_detail_read_from_the_database(city, bearer):
    client = bearer("grid_worker")
    body = _body(city, channel="hotline", external_ref="12345-9")
    first = _post(client, body)
    second = _post(client, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()


def test_the_in_memory_scope_check_agrees_with_the_database_for_every_role(city):
    """``holds`` on intake's in-memory case (used for the 201) says what ``restrict`` says, for new cases in
    several places reported by several people, and for every user of the test city."""
    made = []
    for who, where, anonymous in [("grid_worker", "A1a1", False), ("grid_worker", "B1a1", True),
                                  ("town_commander", "A2b1", False), (None, "B1a1", False)]:
        lng, lat = city.point_in(where)
        made.append(services.report_case(city.user(who) if who else None, channel="patrol", category_code="0101",
                                         title="x", lng=lng, lat=lat, anonymous=anonymous))
    users = [city.user(k) for k in city.users]
    for case in made:
        mem = intake.with_intake_rows(case)
        for u in users:
            actor = actor_for_user(u)
            in_db = Case.objects.restrict(actor, "view").filter(pk=case.pk).exists()
            assert holds(actor, "view", mem) == in_db, (u.username, case.pk)
