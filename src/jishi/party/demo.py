"""Demo party data for a year up to ``ctx.today``: the organisational life of every organisation and the in-service
members reporting to their residential communities (在职党员到居住地“三报到三服务”).

Organisational life: each grid party organisation (1,390 at city scale) holds a 主题党日 every month (a few
miss the current month: the reminder list has rows) and a 党小组会 each quarter; each village organisation a
支委会 every month and a 支部党员大会 and a 党课 each quarter. Attendance rows are written for the current
month's activities; older ones keep their counts (expected = the organisation's member total, present 78–97 %).
三报到三服务: 3,600 in-service members at city scale (36 small) of the city's departments and of named units report
to the community they live in; about 9 in 10 are accepted, take up one or two services of the community's list
(five posts and projects per community) and record services over the year, most verified by the community.
The plan (``plan``) is checked without a database.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from jishi.core import audit
from jishi.core.calendar import TZ
from jishi.org.models import Department, PartyOrganization, Person, Region
from jishi.org.queries import party_member_counts
from jishi.party.choices import ActivityKind as K
from jishi.party.models import (
    Activity,
    Attendance,
    PartyEvent,
    Registration,
    ServiceChoice,
    ServiceItem,
    ServiceRecord,
)

REGISTRATIONS = {"city": 3600, "small": 36}
ACCEPT_RATE = 0.9
MISS_THEME_DAY = 0.06  # grid organisations without a 主题党日 in the current month (the reminder)
ITEMS = [("post", "文明劝导岗"), ("post", "社区巡逻岗"), ("project", "政策宣讲进楼道"), ("project", "助老陪伴服务"),
         ("post", "垃圾分类督导岗"), ("project", "关爱留守儿童"), ("project", "法律咨询服务"), ("post", "交通秩序引导岗")]
UNITS = ["市供电公司", "市人民医院", "市第一中学", "市农商银行", "市自来水公司", "某建设集团"]
TOPICS = {K.THEME_DAY: ["学习贯彻党的二十大精神", "重温入党誓词", "垃圾分类志愿服务", "走访慰问困难党员", "网格清洁行动",
                        "学习新修订的党章", "红色教育基地参观"],
          K.GROUP_MEETING: ["交流学习体会", "讨论网格治理难题", "评议党员"],
          K.COMMITTEE: ["研究本月重点工作", "讨论发展党员", "研究党费收缴"],
          K.GENERAL_MEETING: ["通报党建工作", "民主评议党员", "讨论村级重大事项"],
          K.LECTURE: ["书记讲党课", "党的光辉历程", "基层治理与党员作用"]}
WORK = ["文明劝导", "楼道宣讲", "陪伴独居老人", "清理小广告", "协助核酸点秩序", "辅导学生作业", "调解邻里纠纷"]


def plan(scale: str, grid_orgs: int, village_orgs: int, months: int = 12) -> dict:
    """The figures the demo writes (before the few missed theme days of the current month)."""
    quarters = (months + 2) // 3
    return {"registrations": REGISTRATIONS.get(scale, REGISTRATIONS["small"]),
            "theme_days": grid_orgs * months, "group_meetings": grid_orgs * quarters,
            "committees": village_orgs * months, "general_meetings": village_orgs * quarters,
            "lectures": village_orgs * quarters}


def _months(today: date, n: int = 12) -> list[date]:
    out, first = [], today.replace(day=1)
    for _ in range(n):
        out.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return out[::-1]


def _at(d: date, hour: int = 15) -> datetime:
    return datetime.combine(d, time(hour, 0), TZ)


def generate(ctx) -> str:
    rng = random.Random(f"party:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    orgs = list(PartyOrganization.objects.filter(kind__in=("village_committee", "grid_org"))
                .only("id", "kind", "region_id", "town_id", "village_id", "grid_id", "microgrid_id"))
    if not orgs:
        return "party: no party organisations, skipped"
    with transaction.atomic():
        acts, held = _activities(rng, orgs, today)
        regs, hours = _report_in(rng, ctx.scale, today)
        audit.record(None, "demo.party", object_type="party.activity", object_id="demo",
                     summary=f"演示数据：组织生活 {acts} 次，在职党员报到 {regs} 人")
    return f"party: {acts} activities ({held} held), {regs} registrations, {hours} verified hours"


def _activities(rng: random.Random, orgs, today: date) -> tuple[int, int]:
    counts = party_member_counts(orgs)
    months = _months(today)
    rows: list[Activity] = []
    for o in orgs:
        grid = o.kind == "grid_org"
        for m in months:
            kinds = [K.THEME_DAY] if grid else [K.COMMITTEE]
            if m.month % 3 == 0:
                kinds += [K.GROUP_MEETING] if grid else [K.GENERAL_MEETING, K.LECTURE]
            for kind in kinds:
                if kind == K.THEME_DAY and m == months[-1] and rng.random() < MISS_THEME_DAY:
                    continue
                d = m.replace(day=rng.randint(5, 25))
                a = Activity(org_id=o.pk, kind=kind, date=d, topic=rng.choice(TOPICS[kind]),
                             place="党群服务中心" if not grid else "网格先锋驿站",
                             town_id=o.town_id, village_id=o.village_id, grid_id=o.grid_id)
                if d <= today:
                    total = counts[o.pk][1]
                    present = round(total * rng.uniform(0.78, 0.97))
                    excused = min(total - present, rng.randint(0, 2))
                    a.state, a.expected, a.present, a.excused = "held", total, present, excused
                    a.absent = total - present - excused
                    a.summary = "按计划开展，记录在册"
                rows.append(a)
    Activity.objects.bulk_create(rows, batch_size=2000)
    PartyEvent.objects.bulk_create([PartyEvent(activity=a, verb="hold" if a.state == "held" else "schedule",
                                               actor_name="演示数据", at=_at(a.date), to_state=a.state, note=a.topic)
                                    for a in rows], batch_size=2000)
    _attendance([a for a in rows if a.state == "held" and a.date >= months[-1]], orgs)
    return len(rows), sum(1 for a in rows if a.state == "held")


def _attendance(recent: list[Activity], orgs) -> None:
    """Attendance rows of the current month's held activities, consistent with their counts."""
    by_org: dict[int, list[int]] = {}
    for pid, org_id in Person.objects.filter(is_party_member=True, party_org_id__isnull=False).values_list(
            "id", "party_org_id").order_by("id"):
        by_org.setdefault(org_id, []).append(pid)
    village_of = {o.pk: o.village_id for o in orgs if o.kind == "grid_org"}
    by_village: dict[int, list[int]] = {}
    for org_id, pids in by_org.items():
        by_village.setdefault(village_of.get(org_id), []).extend(pids)
    kinds = {o.pk: o.kind for o in orgs}
    rows = []
    for a in recent:
        pids = by_org.get(a.org_id, []) if kinds[a.org_id] == "grid_org" else by_village.get(a.village_id, [])
        if len(pids) != a.expected:
            continue
        marks = ["present"] * a.present + ["excused"] * a.excused + ["absent"] * a.absent
        rows += [Attendance(activity_id=a.pk, person_id=pid, presence=mark, reason="出差" if mark == "excused" else "")
                 for pid, mark in zip(pids, marks, strict=True)]
    Attendance.objects.bulk_create(rows, batch_size=5000)


def _report_in(rng: random.Random, scale: str, today: date) -> tuple[int, Decimal]:
    villages = list(Region.objects.filter(level="village").values_list("id", "town_id"))
    items = []
    for vid, tid in villages:
        for kind, title in rng.sample(ITEMS, 5):
            items.append(ServiceItem(community_id=vid, kind=kind, title=title, town_id=tid, village_id=vid,
                                     description="在职党员认领，每月至少服务一次"))
    ServiceItem.objects.bulk_create(items, batch_size=2000)
    by_village: dict[int, list[ServiceItem]] = {}
    for it in items:
        by_village.setdefault(it.village_id, []).append(it)
    year = today.year
    candidates = list(Person.objects.filter(is_party_member=True, village_id__isnull=False,
                                            birth_date__year__range=(year - 58, year - 23))
                      .values_list("id", "village_id", "town_id", "phone").order_by("id"))
    n = min(REGISTRATIONS.get(scale, REGISTRATIONS["small"]), len(candidates))
    departments = list(Department.objects.filter(is_active=True).values_list("id", "name"))
    start = today - timedelta(days=330)
    regs = []
    for pid, vid, tid, phone in rng.sample(candidates, n):
        dept = rng.choice(departments) if departments and rng.random() < 0.7 else None
        at = start + timedelta(days=rng.randint(0, 300))
        accepted = rng.random() < ACCEPT_RATE
        regs.append(Registration(person_id=pid, community_id=vid, town_id=tid, village_id=vid,
                                 department_id=dept[0] if dept else None,
                                 employer=dept[1] if dept else rng.choice(UNITS), phone=phone,
                                 state="accepted" if accepted else "submitted", registered_at=_at(at, 9),
                                 decided_at=_at(at + timedelta(days=2), 10) if accepted else None))
    Registration.objects.bulk_create(regs, batch_size=2000)
    choices, records = [], []
    for r in regs:
        if r.state != "accepted":
            continue
        for it in rng.sample(by_village[r.village_id], rng.choice((1, 1, 2))):
            choices.append(ServiceChoice(registration=r, item=it, title=it.title, at=r.decided_at))
    ServiceChoice.objects.bulk_create(choices, batch_size=2000)
    first_choice = {}
    for c in choices:
        first_choice.setdefault(c.registration_id, c)
    verified = Decimal(0)
    for r in regs:
        if r.state != "accepted":
            continue
        begin = r.decided_at.date()
        for _ in range(rng.randint(2, 6)):
            d = begin + timedelta(days=rng.randint(1, max(1, (today - begin).days)))
            d = min(d, today)
            hours = Decimal(rng.choice((1, 1.5, 2, 2, 3, 4))).quantize(Decimal("0.1"))
            roll = rng.random()
            state = "verified" if roll < 0.85 else ("rejected" if roll < 0.9 else "submitted")
            verified += hours if state == "verified" else 0
            c = first_choice.get(r.pk)
            records.append(ServiceRecord(registration=r, choice=c, person_id=r.person_id, department_id=r.department_id,
                                         town_id=r.town_id, village_id=r.village_id, date=d, hours=hours,
                                         content=rng.choice(WORK), state=state,
                                         reject_reason="未见到岗记录" if state == "rejected" else "",
                                         decided_at=_at(d + timedelta(days=1)) if state != "submitted" else None))
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    PartyEvent.objects.bulk_create([PartyEvent(registration=r, verb="register", actor_name="演示数据",
                                               at=r.registered_at, to_state=r.state) for r in regs], batch_size=2000)
    return len(regs), verified
