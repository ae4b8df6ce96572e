"""On a generated demo city: a village party organisation's member total equals the village page's party-member
figure (one count), the region page shows it, the demo's organisational life and 三报到三服务 are there, and the
ledger 党组织活动台账 totals equal the party pages' own figures for a village and a month."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jishi.core import ledgers
from jishi.org.demo.generator import generate
from jishi.org.models import PartyOrganization, Region
from jishi.org.policy import system_actor
from jishi.org.queries import figures, party_member_counts
from jishi.party import demo, queries
from jishi.party.common import month_end
from jishi.party.models import Activity, Attendance, Registration, ServiceRecord

SEED = 20261127


def test_the_city_plan_gives_every_grid_party_organisation_its_life_and_3600_members_report_in():
    p = demo.plan("city", grid_orgs=1390, village_orgs=191)
    assert p["registrations"] == 3600
    assert p["theme_days"] == 1390 * 12 and p["group_meetings"] == 1390 * 4
    assert p["committees"] == 191 * 12 and p["general_meetings"] == p["lectures"] == 191 * 4
    assert demo.plan("small", 10, 4)["registrations"] == 36


@pytest.mark.slow
def test_on_a_generated_city_the_counts_agree(db, client):
    result = generate("small", SEED)
    assert any(h.startswith("jishi.party") for h in result.hooks)
    city = system_actor()
    villages = list(Region.objects.filter(level="village").order_by("code"))
    orgs = {o.region_id: o for o in PartyOrganization.objects.filter(kind="village_committee")}
    counts = party_member_counts(orgs.values())
    for v in villages:
        direct, total = counts[orgs[v.pk].pk]
        assert total == figures(city, v).party_members > 0, v.name
        assert direct == 0  # the members sit on the grid party organisations
    # the region page shows the same total, labelled
    admin = _admin()
    client.force_login(admin)
    v = villages[0]
    page = client.get(f"/regions/{v.pk}/").content.decode()
    assert f"党员（含下级组织） {figures(city, v).party_members:,}" in page

    # the demo's organisational life and reports
    grid_orgs = PartyOrganization.objects.filter(kind="grid_org").count()
    assert Activity.objects.filter(kind="theme_day").count() >= grid_orgs * 11
    today = timezone.localdate()
    first = today.replace(day=1)
    held = Activity.objects.filter(state="held", date__gte=first)
    assert Attendance.objects.filter(activity__in=held).count() == sum(held.values_list("expected", flat=True))
    assert Registration.objects.count() == 36 and ServiceRecord.objects.filter(state="verified").exists()

    # the ledger's totals are the party pages' figures, for a village and a month (and the city)
    last_month = (first - timezone.timedelta(days=1)).replace(day=1)
    for region in (v, Region.objects.get(level="city")):
        table = ledgers.build("party.activities", city, region, last_month, month_end(last_month))
        led = ledgers.ledger("party.activities")
        assert table.totals == led.figures(region, last_month, month_end(last_month))
        assert table.totals["activities"] > 0 and table.totals["attendances"] > 0
    f = queries.activity_figures(v, last_month, month_end(last_month))
    assert f["activities"] == Activity.objects.filter(village=v, state="held",
                                                      date__range=(last_month, month_end(last_month))).count()


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("party-admin", password="x")
