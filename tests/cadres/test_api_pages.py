"""The API (/api/v1/cadres) and the pages: one round through its stages, problem+json refusals, scope (another
town's staff get 404), masked phones, the record page for the person themself."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jishi.cadres import recruitment
from tests.cadres.conftest import apply, open_round, scored

J = {"content_type": "application/json"}


def test_a_round_through_the_api(client, login, city):
    today = timezone.localdate()
    login("town_commander")
    r = client.post("/api/v1/cadres/rounds", {"name": "苗圃计划", "plan": "miaopu", "region_id": city.regions["A"].pk,
                                              "opens_on": str(today), "closes_on": str(today), "exam_weight": 70,
                                              "interview_weight": 40}, **J)
    assert r.status_code == 422 and r["Content-Type"].startswith("application/problem+json")
    assert "权重之和须为 100" in r.json()["detail"]
    r = client.post("/api/v1/cadres/rounds", {"name": "苗圃计划", "plan": "miaopu", "region_id": city.regions["A"].pk,
                                              "opens_on": str(today), "closes_on": str(today)}, **J)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = client.post(f"/api/v1/cadres/rounds/{rid}/applicants", {"village_id": city.regions["A1"].pk, "name": "周青年",
                                                                "birth_date": "2001-01-01", "education": "bachelor",
                                                                "phone": "13912345678"}, **J)
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["phone_masked"] == "139****5678" and "phone" not in a
    r = client.post(f"/api/v1/cadres/rounds/{rid}/applicants", {"village_id": city.regions["A1"].pk, "name": "老同志",
                                                                "birth_date": "1980-01-01", "education": "bachelor"}, **J)
    assert r.status_code == 422 and "年龄不符合要求" in r.json()["detail"]
    aid = a["id"]
    assert client.post(f"/api/v1/cadres/applicants/{aid}/exam", {"score": 80}, **J).status_code == 409
    for path, body in (("qualify", {}), ("exam", {"score": 80}), ("interview", {"score": 90})):
        assert client.post(f"/api/v1/cadres/applicants/{aid}/{path}", body, **J).status_code == 200
    [ranked] = client.post(f"/api/v1/cadres/rounds/{rid}/rank", **J).json()
    assert ranked["rank"] == 1 and ranked["total_score"] == "85.00"
    r = client.post(f"/api/v1/cadres/applicants/{aid}/place", {"post": "村务工作者"}, **J)
    assert r.status_code == 200 and r.json()["stage"] == "placed"
    rec = client.get(f"/api/v1/cadres/people/{a['person_id']}/record").json()
    assert [e["verb"] for e in rec["events"]] == ["apply", "qualify", "score_exam", "score_interview", "rank", "place"]
    login("town_commander_b")
    assert client.get(f"/api/v1/cadres/rounds/{rid}").status_code == 404
    assert client.get(f"/api/v1/cadres/applicants/{aid}").status_code == 404
    assert client.get(f"/api/v1/cadres/people/{a['person_id']}/record").status_code == 404
    assert client.get("/api/v1/cadres/rounds").json()["items"] == []


def test_contest_and_secondment_through_the_api(client, login, city):
    login("town_commander")
    c = client.post("/api/v1/cadres/contests", {"title": "比拼", "held_on": "2026-05-01",
                                                "region_id": city.regions["A"].pk}, **J).json()
    d = client.post(f"/api/v1/cadres/contests/{c['id']}/participants", {"village_id": city.regions["A1"].pk}, **J)
    entry = d.json()["standings"][0]["id"]
    for j, s in enumerate((90, 80, 70, 60, 50)):
        client.post(f"/api/v1/cadres/contests/{c['id']}/participants/{entry}/scores", {"judge": f"J{j}", "score": s}, **J)
    d = client.post(f"/api/v1/cadres/contests/{c['id']}/close", **J).json()
    assert d["closed"] and d["standings"][0]["score"] == "70.00" and d["standings"][0]["rank"] == 1
    s = client.post("/api/v1/cadres/secondments", {"person_id": city.people["village_cadre"].pk,
                                                   "region_id": city.regions["A1"].pk, "host_kind": "advanced",
                                                   "host_unit": "浙江省安吉县", "starts_on": "2026-01-01",
                                                   "ends_on": "2026-06-30"}, **J)
    assert s.status_code == 201, s.content
    assert client.get("/api/v1/cadres/secondments?watch=out").json()["items"][0]["host_unit"] == "浙江省安吉县"
    assert client.get("/api/v1/cadres/secondments?watch=bogus").status_code == 422
    login("town_commander_b")
    assert client.get(f"/api/v1/cadres/contests/{c['id']}").status_code == 404
    assert client.get("/api/v1/cadres/secondments").json()["items"] == []


def test_pages_for_staff_scope_and_refusals(client, login, city):
    rnd = open_round(city)
    a = scored(city, rnd, "吴青苗", 88, 92)
    recruitment.rank_round(city.user("town_commander"), rnd)
    login("town_commander")
    for url in ("/cadres/", f"/cadres/rounds/{rnd.pk}/", "/cadres/reserve/", "/cadres/secondments/",
                "/cadres/contests/", f"/cadres/people/{a.person_id}/", "/cadres/secondments/?watch=due"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/cadres/rounds/{rnd.pk}/").content.decode()
    assert "吴青苗" in page and "139****5678" in page and "综合成绩 = 笔试 × 60% + 面试 × 40%" in page
    r = client.post(f"/cadres/applicants/{a.pk}/exam", {"score": "90"}, follow=True)
    assert "不能录入笔试成绩" in r.content.decode()
    client.post(f"/cadres/applicants/{a.pk}/place", {"post": "村务工作者"})
    a.refresh_from_db()
    assert a.stage == "placed"
    login("village_cadre")  # reads their village's applicants, phone in full (their work needs it), acts on nothing
    page = client.get(f"/cadres/rounds/{rnd.pk}/").content.decode()
    assert "吴青苗" in page and "13912345678" in page and "data-testid=\"place-" not in page
    login("town_commander_b")
    assert client.get(f"/cadres/rounds/{rnd.pk}/").status_code == 404
    assert client.get(f"/cadres/people/{a.person_id}/").status_code == 404
    assert client.post(f"/cadres/applicants/{a.pk}/not_select").status_code == 404
    login("grid_worker")
    assert client.get("/cadres/").status_code == 404


def test_the_person_reads_their_own_record(client, login, city):
    from django.contrib.auth import get_user_model

    rnd = open_round(city)
    a = apply(city, rnd, name="郑本人", birth=date(2001, 2, 2))
    user = get_user_model().objects.create_user("zheng", password="pw-123456789")
    a.person.user = user
    a.person.save()
    assert client.login(username="zheng", password="pw-123456789")
    r = client.get("/cadres/me/", follow=True)
    assert r.status_code == 200 and "郑本人" in r.content.decode() and "13912345678" in r.content.decode()
    assert client.get("/cadres/").status_code == 404
