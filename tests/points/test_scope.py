"""One way to see, for points, the cockpit and the city model: for every role of the test city × every scoped
model × every action, ``Model.objects.restrict(actor, action)`` is exactly the rows ``holds(actor, action, row)``
says yes to — on a city with points data made through the services. And the village managers' pages open on a
region exactly when the actor holds "manage" on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from jishi.cockpit.models import DailyRollup
from jishi.core.scope import ScopedQuerySet, holds
from jishi.org.choices import Level
from jishi.org.models import Household, Region
from jishi.org.policy import ACTIONS, actor_for_user
from jishi.points import boards, claims, earning, store
from jishi.points.models import Board, Claim, Settlement
from jishi.points.rules import adopt_policy

ROLES = ["admin", "city_commander", "town_commander", "town_commander_b", "village_cadre", "grid_leader",
         "grid_worker", "grid_worker_b", "liaison", "volunteer", "dept_urban", "dept_water", "resident",
         "informant", "merchant", "nobody"]
UNSCOPED = {"points.PointItem"}  # the city template: reference data every village reads, not restricted


def scoped_models() -> list:
    return [m for label in ("points", "cockpit", "org") for m in apps.get_app_config(label).get_models()
            if isinstance(m._default_manager.all(), ScopedQuerySet)]


@pytest.fixture
def points_city(city, items, shop):
    """Points rows in A1 (the shop, awards, a claim, an inspection, a published board with an objection, an
    order, a settlement, policies of town A and village A1) and in B1 (a claim, a policy), cockpit rollups."""
    cadre, resident = city.user("village_cadre"), city.user("resident")
    a, a1, b1 = city.regions["A"], city.regions["A1"], city.regions["B1"]
    now = timezone.now()
    last_month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    adopt_policy(None, a, decision="A镇决议", decided_on=date(2026, 1, 5), items={"HR01": {"points": 12}})
    adopt_policy(None, a1, decision="A1村决议", decided_on=date(2026, 1, 6), base_points=100)
    adopt_policy(None, b1, decision="B1村决议", decided_on=date(2026, 1, 7), items={"ZY01": {"enabled": False}})
    earning.grant_base_points(None, a1, now.year, [city.people["resident"]])
    earned = earning.apply_item(cadre, city.people["resident"], items["HR01"], key="scope-earn",
                                at=timezone.make_aware(timezone.datetime.combine(last_month, timezone.datetime.min.time())))
    claims.submit_claim(resident, items["ZY01"], "打扫村道", now.date(), _photo())
    claims.submit_claim(city.user("grid_worker_b"), items["HR01"], "扶老人过马路", now.date(), _photo())
    claims.score_inspection(cadre, a1, "庭院检查", now.date(), {city.people["resident"].household_id: ["TY01"]})
    board = boards.publish_board(cadre, a1, last_month, now=now)
    boards.raise_objection(resident, board, earned, "我没有做这件事", now=now)
    order = store.place_order(resident, shop.soap, key="scope-order")
    store.confirm_voucher(city.user("merchant"), order.code)
    Settlement.objects.create(merchant=shop.merchant, month=last_month, orders=1, points=20,
                              yuan_per_point="0.100", amount="2.00")
    today = now.date()
    for grain, town, village, grid in (("g", a, a1, city.regions["A1a"]), ("g", city.regions["B"], b1,
                                       city.regions["B1a"]), ("t", a, None, None), ("t", city.regions["B"], None, None)):
        DailyRollup.objects.create(grain=grain, day=today, town=town.pk, village=getattr(village, "pk", 0),
                                   grid=getattr(grid, "pk", 0), channel="patrol", received=1)
    return city


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")


def test_every_points_cockpit_and_org_model_is_scoped_but_the_city_template():
    every = {m._meta.label for label in ("points", "cockpit", "org") for m in apps.get_app_config(label).get_models()}
    scoped = {m._meta.label for m in scoped_models()}
    assert every - scoped - {"cockpit.CaseMark"} == UNSCOPED  # CaseMark: the rollups' own bookkeeping
    assert {"points.Entry", "points.BoardLine", "points.Settlement", "points.Policy", "cockpit.DailyRollup"} <= scoped


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_restrict_and_holds_agree_on_points_cockpit_and_org_rows(points_city, role):
    actor = actor_for_user(points_city.user(role))
    for model in scoped_models():
        rows = list(model._default_manager.all())
        for action in ACTIONS:
            ids = set(model._default_manager.restrict(actor, action).values_list("pk", flat=True))
            held = {o.pk for o in rows if holds(actor, action, o)}
            assert ids == held, f"{role} {model.__name__} {action}"


@pytest.mark.django_db
def test_the_seeded_rows_reach_who_they_should(points_city):
    """Not only agreement: the village's points are the village's, the villager's own are theirs."""
    def seen(role, model, action="view"):
        return model._default_manager.restrict(actor_for_user(points_city.user(role)), action).count()

    assert seen("village_cadre", Board, "manage") == 1 and seen("town_commander_b", Board, "manage") == 0
    assert seen("grid_worker", Board, "manage") == 0 and seen("grid_worker", Board) == 0  # a village's board
    assert seen("village_cadre", Claim, "manage") == 1 and seen("resident", Claim) == 1  # A1's; their own
    assert seen("resident", Claim, "manage") == 0 and seen("grid_worker", Claim) == 1  # in the grid A1a
    assert seen("merchant", Settlement) == 1 and seen("resident", Settlement) == 0
    assert seen("village_cadre", DailyRollup, "command") == 1  # its grid row; not the town's rows
    assert seen("town_commander", DailyRollup, "command") == 2 and seen("grid_worker", DailyRollup, "command") == 0


def _open(client, role: str, url: str, **params):
    return client.get(url, params)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_managers_pages_open_exactly_on_the_regions_the_actor_manages(client, login, points_city, role):
    login(role)
    actor = actor_for_user(points_city.user(role))
    villages = Region.objects.filter(level=Level.VILLAGE)
    for page in ("points-households", "points-inspection"):
        for village in villages:
            r = _open(client, role, reverse(page), village=village.pk)
            opened = r.status_code == 200 and r.context["village"] == village
            assert opened == holds(actor, "manage", village), f"{role} {page} {village}"
    for region in Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE]):
        r = _open(client, role, reverse("points-policy"), region=region.pk)
        opened = r.status_code == 200 and r.context["region"] == region
        assert opened == holds(actor, "manage", region), f"{role} policy {region}"
    board = Board.objects.get()
    may_manage = holds(actor, "manage", board)
    r = _open(client, role, reverse("points-board", args=[board.pk]))
    assert (r.status_code == 200 and r.context["can_manage"]) == may_manage
    household = Household.objects.get()
    member = role == "resident"
    r = _open(client, role, reverse("points-household", args=[household.pk]))
    assert (r.status_code == 200) == (member or holds(actor, "manage", household)), role
