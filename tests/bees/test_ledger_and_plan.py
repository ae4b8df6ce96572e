"""The 小蜜蜂工作台账 (``bees.monthly``): its totals equal the module's own figures; the city demo plans the
report's figures (135 stations, 107 caring merchants, a few thousand riders) without a database."""

from __future__ import annotations

from datetime import date

import pytest

from jishi.bees import fund
from jishi.bees.demo import plan_for
from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.core import ledgers
from jishi.org.demo.plan import make_plan


def test_city_plan_has_the_reports_figures():
    plan = plan_for("city")
    assert plan.stations == 135 == make_plan("city", 20261127).preset.informant_stations
    assert plan.caring_merchants == 107
    assert 2_000 <= plan.riders(informants=3 * 135) <= 5_000
    small = plan_for("small")
    assert small.stations == make_plan("small", 20261127).preset.informant_stations and small.caring_merchants < 10


@pytest.mark.django_db
def test_ledger_totals_equal_the_modules_figures(city, rider, station_b, fund_a):
    from jishi.points.rules import seed_template

    seed_template()
    lng, lat = city.point_in("A1a1")
    case = services.report_case(rider.user, channel=Channel.INFORMANT, category_code="0101", title="井盖缺失",
                                description="路口井盖缺失", lng=lng, lat=lat)
    services.accept(city.user("village_cadre"), case)
    services.report_case(rider.user, channel=Channel.INFORMANT, category_code="0101", title="路灯不亮",
                         description="路灯不亮", lng=lng, lat=lat)
    town = city.user("town_commander")
    g = fund.apply(rider.user, reason="illness", story="生病住院需要帮助", requested="100")
    fund.pay(town, fund.review(town, g, approve=True))
    led = ledgers.ledger("bees.monthly")
    assert led is not None and str(led.label) == "小蜜蜂工作台账"
    today = date.today()
    first, last = today.replace(day=1), today
    for region in (city.regions["city"], city.regions["A"], city.regions["B"]):
        table = led.build(city.user("city_commander"), region, first, last)
        assert table.totals == led.figures(region, first, last), region
    a = led.build(town, city.regions["A"], first, last)
    assert (a.totals["members"], a.totals["reports"], a.totals["accepted"], a.totals["grants"]) == (1, 2, 1, 1)
    assert a.totals["issued"] > 0 and len(a.rows) == 1  # town A sees its own station only
    assert led.build(city.user("town_commander_b"), city.regions["A"], first, last).rows == []
