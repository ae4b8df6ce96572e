"""The mediation pages: the ledger, registering, acting, the printable agreement, statistics, the Excel ledger.
Out of scope is 404; bad input shows a specific Chinese message and changes nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jishi.mediation import services
from jishi.mediation.models import Dispute
from tests.mediation.conftest import register

pytestmark = pytest.mark.django_db


def test_a_cadre_registers_a_walk_in_dispute_through_the_form(client, login, city, studio, mediator):
    login("village_cadre")
    form = {"title": "王某与赵某土地边界纠纷", "kind": "land", "source": "walk_in", "region": city.regions["A1"].pk,
            "facts": "承包地边界争议", "party_0_side": "applicant", "party_0_name": "王某", "party_0_phone": "13811112222",
            "party_1_side": "respondent", "party_1_name": "赵某", "party_1_phone": "13833334444",
            "studio": studio.pk, "mediators": [mediator.pk]}
    r = client.post("/mediation/new/", form)
    d = Dispute.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/mediation/{d.pk}/"
    assert d.studio == studio and d.mediator_links.get().person == mediator
    page = client.get(r["Location"]).content.decode()
    assert "王某与赵某土地边界纠纷" in page and studio.name in page and "13811112222" in page  # a cadre sees it in full


def test_a_bad_form_keeps_what_was_typed_and_says_what_is_wrong(client, login, city):
    login("village_cadre")
    r = client.post("/mediation/new/", {"title": "纠纷", "kind": "neighbour", "source": "walk_in",
                                         "region": city.regions["A1"].pk, "party_0_name": "王某",
                                         "party_0_phone": "123", "party_1_side": "respondent", "party_1_name": "赵某"})
    assert r.status_code == 422 and "不是11位手机号" in r.content.decode() and 'value="王某"' in r.content.decode()
    assert not Dispute.objects.exists()


def test_a_town_commander_sees_the_parties_masked(client, login, city):
    d = register(city)
    login("town_commander")
    page = client.get(f"/mediation/{d.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page and "320281********1239" in page


def test_out_of_scope_is_404_on_every_page(client, login, city):
    d = register(city)
    services.record_session(city.user("village_cadre"), d, held_at=timezone.now(), notes="调解")
    services.record_outcome(city.user("village_cadre"), d, outcome="agreement", terms="一、……")
    login("town_commander_b")
    for url in (f"/mediation/{d.pk}/", f"/mediation/{d.pk}/agreement/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/mediation/{d.pk}/escalate", {"note": "x"}).status_code == 404
    login("grid_worker")  # grid staff do not mediate: not even the ledger
    assert client.get("/mediation/").status_code == 404
    assert client.get(f"/mediation/{d.pk}/").status_code == 404


def test_the_mediator_sees_their_dispute_and_its_parties_in_full(client, login, city, mediator):
    d = register(city, mediators=[mediator.pk])
    other = register(city, title="别的纠纷")
    login("mediator")
    home = client.get("/mediation/").content.decode()
    assert d.title in home and other.title not in home
    assert "13812345678" in client.get(f"/mediation/{d.pk}/").content.decode()
    assert client.get(f"/mediation/{other.pk}/").status_code == 404


def test_escalate_then_record_at_the_town_and_print_the_agreement(client, login, city):
    d = register(city)
    login("village_cadre")
    r = client.post(f"/mediation/{d.pk}/escalate", {"note": "村级调解未果"})
    assert r.status_code == 302
    assert "您可以查看" in client.get(f"/mediation/{d.pk}/").content.decode()  # the village now reads it
    r = client.post(f"/mediation/{d.pk}/session", {"held_at": "2020-01-01T09:00", "notes": "x"}, follow=True)
    assert "您可以查看但不能办理" in r.content.decode()
    login("town_commander")
    client.post(f"/mediation/{d.pk}/session", {"held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                               "notes": "镇调处中心组织双方调解", "attended": []})
    r = client.post(f"/mediation/{d.pk}/outcome", {"outcome": "agreement", "terms": "一、李某改建排水沟。\n二、张某不再追究。",
                                                   "performance": "十日内履行"}, follow=True)
    assert "调解结果已登记" in r.content.decode()
    page = client.get(f"/mediation/{d.pk}/agreement/").content.decode()
    assert "人民调解协议书" in page and "A镇社会矛盾纠纷调处中心" in page and "二、张某不再追究" in page
    assert "申请人（签名/按指印）" in page and "320281195601011239" in page  # the handler prints in full
    from jishi.core.models import AuditRecord

    assert AuditRecord.objects.filter(action="mediation.print", object_id=str(d.pk)).exists()


def test_bad_session_time_is_refused_with_a_message(client, login, city):
    d = register(city)
    login("village_cadre")
    r = client.post(f"/mediation/{d.pk}/session", {"held_at": "昨天", "notes": "调解"}, follow=True)
    assert "时间格式不对" in r.content.decode()
    assert not d.sessions.exists()


def test_the_excel_ledger_masks_for_a_commander_and_is_audited(client, login, city):
    register(city)
    login("town_commander")
    r = client.get("/mediation/ledger.xlsx")
    ws = load_workbook(BytesIO(r.content)).active
    header, row = [c.value for c in ws[1]], [c.value for c in ws[2]]
    assert header[0] == "编号" and row[1] == "张某与李某宅前排水纠纷"
    assert "138****5678" in row[header.index("当事人电话")]
    from jishi.core.models import AuditRecord

    assert AuditRecord.objects.filter(action="mediation.export").exists()


def test_statistics_page_shows_the_village_share(client, login, city):
    for i in range(3):
        d = register(city, title=f"纠纷{i}")
        services.record_session(city.user("village_cadre"), d, held_at=timezone.now(), notes="调解")
        if i == 2:
            services.escalate(city.user("village_cadre"), d, note="上交")
        services.record_outcome(city.user("town_commander"), d, outcome="agreement", terms="一、……")
    login("town_commander")
    page = client.get("/mediation/stats/").content.decode()
    assert 'data-testid="village-share">67%' in page


def test_the_ledger_page_costs_the_same_statements_for_3_or_12_disputes(client, login, city, studio):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login("village_cadre")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/mediation/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        register(city, title=f"纠纷{i}", studio=studio.pk)
    few = count()
    for i in range(9):
        register(city, title=f"又一{i}", studio=studio.pk)
    assert count() == few
