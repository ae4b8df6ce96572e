"""/api/v1/mediation: the same services and scope as the pages; errors as problem+json; out of scope 404."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.mediation.models import Dispute
from tests.mediation.conftest import APPLICANT, RESPONDENT, register

pytestmark = pytest.mark.django_db
URL = "/api/v1/mediation"


def body(city, **kw):
    return {"title": "张某与李某宅前排水纠纷", "kind": "neighbour", "source": "hotline", "source_ref": "12345-2026-0001",
            "region_id": city.regions["A1"].pk, "parties": [APPLICANT, RESPONDENT], **kw}


def test_the_whole_loop_through_the_api(client, login, city):
    login("village_cadre")
    r = client.post(f"{URL}/disputes", body(city), content_type="application/json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["level"] == "village" and d["parties"][0]["phone"] == "13812345678"
    pid = d["id"]
    r = client.post(f"{URL}/disputes/{pid}/escalate", {"note": "村级未果"}, content_type="application/json")
    assert r.json()["level"] == "town"
    login("town_commander")
    assert client.get(f"{URL}/disputes/{pid}").json()["parties"][0]["phone"] == "138****5678"
    r = client.post(f"{URL}/disputes/{pid}/sessions", {"held_at": timezone.now().isoformat(), "notes": "镇级调解"},
                    content_type="application/json")
    assert r.status_code == 201
    r = client.post(f"{URL}/disputes/{pid}/outcome", {"outcome": "agreement", "terms": "一、……"},
                    content_type="application/json")
    assert r.json()["state"] == "agreed" and r.json()["closed_level"] == "town"
    r = client.post(f"{URL}/disputes/{pid}/follow-ups", {"visited_on": str(timezone.localdate()), "method": "phone",
                                                         "holds": True}, content_type="application/json")
    assert r.status_code == 201 and r.json()["holds"] is True
    stats = client.get(f"{URL}/stats").json()
    assert stats["shares"]["levels"][1]["resolved"] == 1 and stats["region_id"] == city.regions["A"].pk
    assert [x["id"] for x in client.get(f"{URL}/disputes?state=agreed").json()["items"]] == [pid]


def test_bad_input_is_a_problem_and_changes_nothing(client, login, city):
    login("village_cadre")
    r = client.post(f"{URL}/disputes", body(city, source_ref=""), content_type="application/json")
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    assert r.json()["field"] == "source_ref" and "来源单位的编号" in r.json()["detail"]
    r = client.post(f"{URL}/disputes", body(city, kind="feud"), content_type="application/json")
    assert r.status_code == 422
    assert not Dispute.objects.exists()


def test_out_of_scope_is_404_and_an_illegal_step_is_409(client, login, city):
    d = register(city)
    login("town_commander_b")
    assert client.get(f"{URL}/disputes/{d.pk}").status_code == 404
    assert client.post(f"{URL}/disputes/{d.pk}/escalate", {"note": "x"}, content_type="application/json").status_code == 404
    assert client.get(f"{URL}/disputes").json()["items"] == []
    login("village_cadre")
    r = client.post(f"{URL}/disputes/{d.pk}/follow-ups", {"visited_on": str(timezone.localdate()), "method": "phone",
                                                            "holds": True}, content_type="application/json")
    assert r.status_code == 409


def test_meetings_and_a_decision_made_a_case(client, login, city):
    from jishi.cases.models import Category
    from jishi.cases.seed import load

    if not Category.objects.exists():
        load(Category)
    login("village_cadre")
    r = client.post(f"{URL}/meetings", {"kind": "council", "topic": "村道硬化", "held_on": str(timezone.localdate()),
                                        "region_id": city.regions["A1"].pk, "decisions": ["硬化村东道路"]},
                    content_type="application/json")
    assert r.status_code == 201
    decision = r.json()["decisions"][0]
    r = client.post(f"/api/v1/mediation/decisions/{decision['id']}/case", {"category": "0101"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["case_state"] == "reported"
    meeting = client.get(f"{URL}/meetings").json()[0]
    assert meeting["decisions"][0]["case_number"] == r.json()["case_number"]
    login("town_commander_b")
    assert client.get(f"{URL}/meetings/{meeting['id']}").status_code == 404
