"""Demo data of visits: the round 2026年第四季度 over the whole city, every household assigned by micro-grid,
40–60 % of them visited (per micro-grid), special groups tagged, and the coverage rollup built.

Everything is written in bulk (``org.demo.bulk.insert_rows``); the invented history writes no timeline rows
(it is not told), and the rollup is rebuilt from the rows at the end.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from jishi.core import audit, consumers
from jishi.org.demo.bulk import insert_rows
from jishi.org.models import Person, Region
from jishi.org.policy import system_actor
from jishi.visits import planning, rollups
from jishi.visits.choices import CARE_EVERY_DAYS, CareGroup, Method
from jishi.visits.models import CareMembership, VisitAssignment, VisitConcern, VisitEvent, VisitLog

LOG_FIELDS = ["client_uuid", "round", "household", "visitor", "method", "visited_at", "people_met", "met_names",
              "notes", "residents", "lng", "lat", "photo", "created_by", "town", "village", "grid", "microgrid"]
CARE_FIELDS = ["household", "person", "group", "every_days", "is_active", "note", "town", "village", "grid",
               "microgrid"]
NOTES = ["家中一切正常", "老人身体尚可，叮嘱注意防寒", "宣传反诈知识", "了解就业需求", "询问医保缴费情况",
         "孩子上学情况良好", "提醒燃气安全", "宣传垃圾分类", "了解种植收成", "讲解积分制政策"]
CONCERNS = ["楼道灯坏了", "门前道路坑洼", "想了解高龄补贴", "下水道堵塞", "希望增设健身器材", "邻居装修噪音"]
METHODS = [Method.IN_PERSON] * 7 + [Method.PHONE] * 2 + [Method.ONLINE]


@transaction.atomic
def generate(ctx) -> str:
    rng = ctx.rng
    city = Region.objects.filter(level="city").first()
    if city is None:
        return "visits: no city, skipped"
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    quarter = (today.month - 1) // 3
    starts = date(today.year, quarter * 3 + 1, 1)
    ends = (date(today.year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1) - timedelta(days=1))
    care = _care(rng)
    rnd = planning.create_round(system_actor(), name=f"{today.year}年第{'一二三四'[quarter]}季度", region=city,
                                starts_on=starts, ends_on=ends)
    visits, concerns = _visits(rng, rnd, starts, today)
    rollups.rebuild(rnd.pk)
    consumers.fast_forward(VisitEvent)  # the invented history is not replayed by the consumers
    audit.record(None, "demo.visits", rnd, summary=f"演示走访：{rnd.assigned} 户分配，{visits} 次走访",
                 data={"care": care, "visits": visits, "concerns": concerns})
    return f"visits: {rnd.assigned} households assigned, {visits} visits"


def _care(rng) -> int:
    """Special groups: people over 70 living alone, and a few households in difficulty, with a disability or
    a veteran."""
    year = timezone.localdate().year
    alone = (Person.objects.filter(household__isnull=False).values("household_id")
             .annotate(n=Count("id"), born=Max("birth_date")).filter(n=1, born__year__lte=year - 70).order_by())
    alone_ids = {r["household_id"] for r in alone}
    places = {}
    from jishi.org.models import Household

    rows = []
    for hid, t, v, g, m in Household.objects.values_list("id", "town_id", "village_id", "grid_id", "microgrid_id") \
            .iterator(chunk_size=10000):
        places[hid] = (t, v, g, m)
        if hid in alone_ids:
            rows.append((hid, None, CareGroup.ELDERLY_ALONE, CARE_EVERY_DAYS[CareGroup.ELDERLY_ALONE], True, "", t, v, g, m))
        r = rng.random()
        for group, share in ((CareGroup.HARDSHIP, 0.01), (CareGroup.DISABILITY, 0.015), (CareGroup.VETERAN, 0.025)):
            if r < share:
                rows.append((hid, None, group, CARE_EVERY_DAYS[group], True, "", t, v, g, m))
                break
    return insert_rows(CareMembership, CARE_FIELDS, rows)


def _visits(rng, rnd, starts: date, today: date) -> tuple[int, int]:
    tz = timezone.get_current_timezone()
    moment = connection.ops.adapt_datetimefield_value
    key = (lambda u: u.hex) if connection.vendor == "sqlite" else (lambda u: u)
    days = max(1, (today - starts).days)
    rate: dict = {}
    logs = []
    for a in VisitAssignment.objects.filter(round=rnd).values_list(
            "household_id", "visitor_id", "residents", "town_id", "village_id", "grid_id", "microgrid_id",
            "household__lng", "household__lat").iterator(chunk_size=10000):
        hid, visitor, residents, t, v, g, m, lng, lat = a
        share = rate.setdefault(m, 0.4 + 0.2 * rng.random())
        if rng.random() >= share:
            continue
        for _ in range(1 + (rng.random() < 0.15)):  # some households twice
            at = datetime.combine(starts + timedelta(days=rng.randrange(days)), datetime.min.time(), tz) \
                + timedelta(hours=8 + rng.randrange(11), minutes=rng.randrange(60))
            method = rng.choice(METHODS)
            logs.append((key(uuid.UUID(int=rng.getrandbits(128), version=4)), rnd.pk, hid, visitor, method,
                         moment(at), rng.randint(1, max(1, residents)), "", rng.choice(NOTES), residents,
                         lng if method == Method.IN_PERSON else None, lat if method == Method.IN_PERSON else None,
                         "", None, t, v, g, m))
    n = insert_rows(VisitLog, LOG_FIELDS, logs)
    # concerns on about one visit in twenty
    picked = [(vid, t, v, g, m, visitor) for vid, t, v, g, m, visitor in VisitLog.objects.filter(round=rnd).values_list(
        "id", "town_id", "village_id", "grid_id", "microgrid_id", "visitor_id").iterator(chunk_size=10000)
        if rng.random() < 0.05]
    c = insert_rows(VisitConcern, ["visit", "text", "case", "visitor", "town", "village", "grid", "microgrid"],
                    ((vid, rng.choice(CONCERNS), None, visitor, t, v, g, m) for vid, t, v, g, m, visitor in picked))
    per = VisitLog.objects.filter(round=rnd, household_id=OuterRef("household_id")).values("household_id")
    VisitAssignment.objects.filter(round=rnd).update(
        visits=Coalesce(Subquery(per.annotate(n=Count("id")).values("n")[:1]), 0),
        last_visited_at=Subquery(per.annotate(m=Max("visited_at")).values("m")[:1]))
    return n, c
