"""Scope: restrict() and holds() agree on disputes and meetings for every role; the statistics equal a
recomputation from the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jishi.core.scope import holds
from jishi.mediation import queries, services
from jishi.mediation.models import Dispute, Mediator, Meeting
from jishi.org.policy import ACTIONS, actor_for_user
from tests.mediation.conftest import APPLICANT, RESPONDENT, register

pytestmark = pytest.mark.django_db
ROLES = ["admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "liaison", "volunteer", "dept_urban", "resident", "nobody", "mediator"]


@pytest.fixture
def rows(city, mediator):
    from jishi.mediation import meetings

    a1 = register(city, mediators=[mediator.pk])
    a2 = register(city, who=None, region="A2", title="A2村纠纷")
    b1 = register(city, who=None, region="B1", title="B1村纠纷")
    town = register(city, who=None, region="A", title="A镇纠纷")
    for r in ("A1", "B"):
        meetings.record_meeting(None, kind="council", topic=f"{r}议事", held_on=timezone.localdate(),
                                region=city.regions[r])
    return {"a1": a1, "a2": a2, "b1": b1, "town": town}


@pytest.mark.parametrize("role", ROLES)
def test_restrict_and_holds_agree(city, rows, role):
    actor = actor_for_user(city.user(role))
    assert Mediator.objects.exists()
    for model in (Dispute, Meeting, Mediator):
        objs = list(model.objects.all())
        for action in ACTIONS:
            ids = set(model.objects.restrict(actor, action).values_list("pk", flat=True))
            assert ids == {o.pk for o in objs if holds(actor, action, o)}, f"{role} {model.__name__} {action}"


@pytest.mark.parametrize(("role", "sees"), [
    ("city_commander", {"a1", "a2", "b1", "town"}), ("town_commander", {"a1", "a2", "town"}),
    ("town_commander_b", {"b1"}), ("village_cadre", {"a1"}), ("mediator", {"a1"}),
    ("grid_worker", set()), ("dept_urban", set()), ("resident", set()),
])
def test_who_sees_which_dispute(city, rows, role, sees):
    visible = set(Dispute.objects.restrict(actor_for_user(city.user(role)), "mediate").values_list("pk", flat=True))
    assert visible == {rows[k].pk for k in sees}


def _close(city, d, outcome="agreement", ups=0, days=0):
    for _ in range(ups):
        services.escalate(None, d, automatic=True)
    services.record_session(None, d, held_at=timezone.now(), notes="调解")
    services.record_outcome(None, d, outcome=outcome, terms="一、……", note="说明")
    if days:
        Dispute.objects.filter(pk=d.pk).update(registered_at=d.closed_at - timedelta(days=days))


def test_level_shares_and_time_to_resolve_equal_a_recount_of_the_rows(city):
    for i, (ups, outcome, days) in enumerate([(0, "agreement", 2), (0, "agreement", 4), (0, "agreement", 6),
                                               (1, "agreement", 10), (2, "agreement", 30), (0, "no_agreement", 1),
                                               (1, "litigation", 3)]):
        _close(city, register(city, title=f"纠纷{i}"), outcome, ups, days)
    register(city, title="未结")
    today = timezone.localdate()
    got = queries.level_shares(city.regions["A"], (today, today))
    closed = Dispute.objects.filter(closed_at__isnull=False)
    agreed = closed.filter(state="agreed")
    expect = {lv: agreed.filter(closed_level=lv).count() for lv in ("village", "town", "city")}
    assert [x["resolved"] for x in got["levels"]] == [expect["village"], expect["town"], expect["city"]] == [3, 1, 1]
    assert got["closed"] == closed.count() == 7 and got["resolved"] == 5
    assert got["village_share"] == round(3 / 5, 4) and got["town_or_below_share"] == round(4 / 5, 4)
    t = queries.time_to_resolve(None, (today, today))
    assert t["levels"]["village"]["mean_days"] == 4.0 and t["all"]["median_days"] == 6.0
    assert queries.level_shares(city.regions["B"], (today, today))["resolved"] == 0  # another town
    assert queries.level_shares(city.regions["A"], (today - timedelta(days=9), today - timedelta(days=1)))["closed"] == 0


def test_recurrence_is_the_same_pair_of_parties_within_twelve_months(city):
    first = register(city)
    again = register(city, title="又起纠纷", parties=[{**RESPONDENT, "side": "applicant"}, {**APPLICANT, "side": "respondent"}])
    register(city, title="别人的纠纷", parties=[{**APPLICANT, "phone": "13700000000", "id_number": ""},
                                          {"side": "respondent", "name": "陈某", "phone": "13600000000"}])
    Dispute.objects.filter(pk=first.pk).update(registered_at=timezone.now() - timedelta(days=200))
    today = timezone.localdate()
    assert queries.recurrences(None, (today, today)) == [{"dispute": again.pk, "earlier": first.pk}]
    Dispute.objects.filter(pk=first.pk).update(registered_at=timezone.now() - timedelta(days=400))
    assert queries.recurrences(None, (today, today)) == []


def test_by_studio_counts_the_studios_disputes(city, studio):
    d = register(city, studio=studio.pk)
    register(city, studio=studio.pk)
    register(city)
    _close(city, d)
    today = timezone.localdate()
    assert queries.by_studio(None, (today, today)) == [
        {"studio_id": studio.pk, "name": studio.name, "registered": 2, "closed": 1, "resolved": 1, "rate": 1.0}]


def test_the_cockpit_tile_shows_the_village_share_of_the_chosen_region(client, login, city):
    for i, ups in enumerate((0, 0, 0, 1)):
        _close(city, register(city, title=f"纠纷{i}"), ups=ups)
    login("town_commander")
    page = client.get(f"/cockpit/?region={city.regions['A'].pk}&period=month").content.decode()
    assert 'data-testid="kpi-mediation"><span class="num">75.0%' in page
    page = client.get(f"/cockpit/?region={city.regions['A2'].pk}&period=month").content.decode()
    assert 'data-testid="kpi-mediation"><span class="num">—' in page
