"""The evaluation pages, the report (print and Excel), evidence served with the scope check, and the API."""

from __future__ import annotations

import base64
from io import BytesIO

from openpyxl import load_workbook

from jishi.evaluation import services
from jishi.evaluation.models import Assessment, Evidence
from tests.cases.conftest import PDF
from tests.evaluation.conftest import leaf, self_assess_all


def test_the_cadre_starts_scores_with_evidence_and_submits_from_the_pages(client, login, city, scheme):
    login("village_cadre")
    r = client.get("/evaluation/", follow=True)
    assert r.redirect_chain[-1][0] == f"/evaluation/community/{city.regions['A1'].pk}/"
    assert "开始自评" in r.content.decode()
    r = client.post(f"/evaluation/community/{city.regions['A1'].pk}/start", follow=True)
    a = Assessment.objects.get()
    page = r.content.decode()
    assert "自动计算" in page and "需上传佐证" in page
    ind = leaf(a, "1.1.1")
    r = client.post(f"/evaluation/a/{a.pk}/score", {"indicator": ind.pk, "points": "3"}, follow=True)
    assert "须上传佐证材料" in r.content.decode()
    f = BytesIO(PDF)
    f.name = "核对台账.pdf"
    client.post(f"/evaluation/a/{a.pk}/evidence", {"indicator": ind.pk, "file": f})
    client.post(f"/evaluation/a/{a.pk}/score", {"indicator": ind.pk, "points": "3", "note": "已核对"})
    s = a.scores.get(indicator=ind)
    assert (s.self_points, s.self_note) == (3.0, "已核对")
    e = Evidence.objects.get()
    assert client.get(f"/evaluation/evidence/{e.pk}/").status_code == 200
    client.logout()
    login("town_commander_b")
    assert client.get(f"/evaluation/evidence/{e.pk}/").status_code == 404
    assert client.get(f"/evaluation/a/{a.pk}/").status_code == 404


def test_the_town_adjusts_and_the_city_confirms_from_the_pages(client, login, city, assessment):
    a = self_assess_all(city, assessment)
    services.submit(city.user("village_cadre"), a)
    login("town_commander")
    ind = leaf(a, "4.1.2")
    client.post(f"/evaluation/a/{a.pk}/adjust", {"indicator": ind.pk, "points": "2", "reason": ""})
    assert a.scores.get(indicator=ind).town_points is None  # no reason: refused
    client.post(f"/evaluation/a/{a.pk}/adjust", {"indicator": ind.pk, "points": "2", "reason": "仅有县级报道"})
    client.post(f"/evaluation/a/{a.pk}/review", {})
    client.logout()
    login("city_commander")
    r = client.post(f"/evaluation/a/{a.pk}/confirm", {}, follow=True)
    a.refresh_from_db()
    assert (a.state, a.total, a.star) == ("confirmed", 73.0, 2)
    assert "仅有县级报道" in r.content.decode()
    r = client.get("/evaluation/compare/")
    assert f'data-testid="star-{city.regions["A1"].pk}"' in r.content.decode()
    r = client.get(f"/cockpit/?region={city.regions['A'].pk}")
    assert 'data-testid="kpi-evaluation"' in r.content.decode()


def test_the_report_prints_and_exports(client, login, city, assessment):
    login("town_commander")
    r = client.get(f"/evaluation/a/{assessment.pk}/report/")
    assert "智慧社区（数字乡村）评价报告" in r.content.decode()
    r = client.get(f"/evaluation/a/{assessment.pk}/report.xlsx")
    wb = load_workbook(BytesIO(r.content))
    ws = wb["评价明细"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "指标", "层级", "分值")
    codes = [r[0] for r in rows[1:] if r and r[0]]
    assert "1.2.1" in codes and "4.1.2" in codes
    closure = next(r for r in rows if r[0] == "1.2.1")
    assert closure[4] == "系统自动计算"
    assert "提升清单" in wb.sheetnames
    r = client.get("/evaluation/compare.xlsx")
    assert load_workbook(BytesIO(r.content)).active.max_row == 1 + 2  # the town's two villages, not the city's four


def test_the_comparison_takes_a_fixed_number_of_statements(client, login, city, scheme, django_assert_max_num_queries):
    for key in ("A1", "A2", "B1"):
        services.start_assessment(None, city.regions[key])
    login("city_commander")
    client.get("/evaluation/compare/")
    with django_assert_max_num_queries(11):
        r = client.get("/evaluation/compare/")
    assert r.status_code == 200


def test_pages_refuse_who_takes_no_step(client, login, city, assessment):
    login("grid_worker")
    assert client.get("/evaluation/").status_code == 404
    assert client.get(f"/evaluation/a/{assessment.pk}/").status_code == 404


def test_the_api_runs_the_whole_chain(client, login, city, scheme):
    login("village_cadre")
    r = client.post("/api/v1/evaluation/assessments", {"village_id": city.regions["A1"].pk},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    a = r.json()
    closure = next(s for s in a["scores"] if s["code"] == "1.2.1")
    assert closure["computed"] and "cockpit" in closure["records_url"]
    venue = next(s for s in a["scores"] if s["code"] == "2.1.2")
    assert venue["needs_evidence"] and venue["measured"] is None
    for s in a["scores"]:
        if s["needs_evidence"]:
            r = client.post(f"/api/v1/evaluation/assessments/{a['id']}/evidence/{s['indicator_id']}",
                            {"name": "a.pdf", "content_base64": base64.b64encode(PDF).decode()},
                            content_type="application/json")
            assert r.status_code == 201, r.content
            r = client.put(f"/api/v1/evaluation/assessments/{a['id']}/scores/{s['indicator_id']}",
                           {"points": s["max_points"]}, content_type="application/json")
            assert r.status_code == 200, r.content
    r = client.post(f"/api/v1/evaluation/assessments/{a['id']}/submit", {}, content_type="application/json")
    assert r.json()["state"] == "submitted"
    r = client.post(f"/api/v1/evaluation/assessments/{a['id']}/review", {}, content_type="application/json")
    assert r.status_code == 403
    client.logout()
    login("town_commander")
    ind = leaf(Assessment.objects.get(), "3.2.2")
    r = client.post(f"/api/v1/evaluation/assessments/{a['id']}/adjust/{ind.pk}", {"points": 2, "reason": "只开了两次"},
                    content_type="application/json")
    assert next(s for s in r.json()["scores"] if s["code"] == "3.2.2")["points"] == 2
    client.post(f"/api/v1/evaluation/assessments/{a['id']}/review", {}, content_type="application/json")
    client.logout()
    login("city_commander")
    r = client.post(f"/api/v1/evaluation/assessments/{a['id']}/confirm", {}, content_type="application/json")
    assert (r.json()["state"], r.json()["total"], r.json()["star"]) == ("confirmed", 74.0, 2)
    r = client.get("/api/v1/evaluation/comparison")
    row = next(x for x in r.json()["rows"] if x["village_id"] == city.regions["A1"].pk)
    assert (row["star"], row["rank"]) == (2, 1)
    r = client.get(f"/api/v1/evaluation/assessments/{a['id']}/improvements")
    assert r.json()[0]["code"] == "1.2.1"  # the failed must-pass item first
    r = client.get(f"/api/v1/evaluation/schemes/{scheme.pk}")
    assert len(r.json()["indicators"]) == scheme.indicators.count()
    r = client.patch(f"/api/v1/evaluation/indicators/{ind.pk}", {"points": 5}, content_type="application/json")
    assert r.status_code == 409  # published: frozen


def test_the_city_keeps_a_scheme_from_the_pages(client, login, city):
    from jishi.evaluation.models import Scheme

    login("city_commander")
    r = client.post("/evaluation/schemes/", {"year": "2031", "name": "2031年评价体系"}, follow=True)
    s = Scheme.objects.get(year=2031)
    assert "1.2.1" in r.content.decode() and s.status == "draft"
    a, b = s.indicators.get(code="4.1.1"), s.indicators.get(code="4.1.2")
    client.post(f"/evaluation/schemes/{s.pk}/indicator", {"indicator": a.pk, "points": "8", "standard": "每项最高4分"})
    r = client.post(f"/evaluation/schemes/{s.pk}/publish", follow=True)
    assert "合计须为100分" in r.content.decode()
    client.post(f"/evaluation/schemes/{s.pk}/indicator", {"indicator": b.pk, "points": "7", "standard": b.standard})
    client.post(f"/evaluation/schemes/{s.pk}/publish")
    s.refresh_from_db()
    assert s.is_frozen and s.indicators.get(code="4.1.1").points == 8
    client.logout()
    login("town_commander")
    client.post(f"/evaluation/schemes/{s.pk}/version", {"year": "2032"})
    assert not Scheme.objects.filter(year=2032).exists()  # only the city keeps schemes
