"""Demo data of the burden app: a few data requests from departments to the villages of one or two towns, most
villages answered (prefilled fields kept, the rest typed), one request reusing the answers of an earlier one —
so the completion pages, the combined sheets and the city's burden page have something to show.

The plan (``plan(scale)``) is pure so a DB-less test checks it: small — 3 requests; city — 6 requests."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from jishi.burden import requests
from jishi.burden.models import BurdenEvent, Reply
from jishi.core import consumers
from jishi.org.choices import Level, Role
from jishi.org.models import Department, Region, StaffAssignment
from jishi.org.policy import system_actor

REQUESTS = [
    ("养老服务设施摸底", "编制养老服务设施布局规划", [
        {"label": "户数", "source": "org.households", "minutes": 10},
        {"label": "常住人口", "source": "org.population", "minutes": 15},
        {"key": "elderly_points", "label": "养老服务点（个）", "kind": "int", "minutes": 20},
        {"key": "elderly_80", "label": "80岁以上老人（人）", "kind": "int", "minutes": 30}]),
    ("基层党建阵地情况统计", "年度党建工作考核", [
        {"label": "党员人数", "source": "org.party_members", "minutes": 15},
        {"label": "服务阵地", "source": "org.venues", "minutes": 10},
        {"label": "网格数", "source": "org.grids", "minutes": 5},
        {"key": "activity_days", "label": "主题党日活动（次）", "kind": "int", "minutes": 15}]),
    ("养老服务点复核", "核对养老服务点与高龄老人底数", [
        {"key": "elderly_points", "label": "养老服务点（个）", "kind": "int", "minutes": 20},
        {"key": "elderly_80", "label": "80岁以上老人（人）", "kind": "int", "minutes": 30},
        {"key": "canteen", "label": "是否有老年食堂", "kind": "choice", "choices": ["有", "无"], "minutes": 5}]),
    ("网格力量配备情况", "网格化服务管理年度评估", [
        {"label": "网格数", "source": "org.grids", "minutes": 5},
        {"label": "微网格志愿者", "source": "org.volunteers", "minutes": 20},
        {"key": "full_time_workers", "label": "专职网格员（人）", "kind": "int", "minutes": 10}]),
    ("矛盾纠纷排查情况", "平安建设季度通报", [
        {"label": "本年事件受理量", "source": "cases.year", "minutes": 20},
        {"key": "disputes_q", "label": "本季度排查纠纷（件）", "kind": "int", "minutes": 25}]),
    ("入户走访开展情况", "联户联心工作评估", [
        {"label": "入户走访覆盖率", "source": "visits.coverage", "minutes": 30},
        {"label": "户数", "source": "org.households", "minutes": 10},
        {"key": "visit_issues", "label": "走访发现问题（件）", "kind": "int", "minutes": 20}]),
]
TOWNS_PER_REQUEST = {"small": 1, "city": 2}
COUNT = {"small": 3, "city": 6}
ANSWERED = 0.8  # share of the villages that submitted


def plan(scale: str) -> list[dict]:
    """Which requests, asked of how many towns, days before today, in order (the first is answered before the
    third is asked, so the third reuses its answers)."""
    n = COUNT.get(scale, 3)
    return [{"title": t, "purpose": p, "fields": f, "towns": TOWNS_PER_REQUEST.get(scale, 1), "days_ago": 40 - 8 * i}
            for i, (t, p, f) in enumerate(REQUESTS[:n])]


def _value(field: dict, rng) -> str:
    if field.get("kind") == "choice":
        return rng.choice(field["choices"])
    return str(rng.randint(1, 40))


def generate(ctx) -> str:
    deps = list(Department.objects.filter(is_active=True).order_by("code")[:6])
    towns = list(Region.objects.filter(level=Level.TOWN).order_by("path"))
    if not deps or not towns:
        return "burden: no departments or towns"
    cadres = dict(StaffAssignment.objects.filter(role=Role.VILLAGE_CADRE, is_active=True, person__user__isnull=False)
                  .values_list("region_id", "person__user_id"))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(list(cadres.values()))
    asked = answered = 0
    today = ctx.today
    for i, p in enumerate(plan(ctx.scale)):
        at = timezone.make_aware(datetime.combine(today - timedelta(days=p["days_ago"]), time(9, 30)))
        chosen = [towns[(i + k) % len(towns)].pk for k in range(p["towns"])]
        req = requests.create_request(system_actor(), title=p["title"], purpose=p["purpose"],
                                      deadline=(today - timedelta(days=p["days_ago"])) + timedelta(days=14),
                                      fields=p["fields"], towns=chosen, department=deps[i % len(deps)].pk, at=at)
        for r in Reply.objects.filter(request=req).order_by("village__path"):
            asked += 1
            user = users.get(cadres.get(r.village_id))
            if user is None or ctx.rng.random() > ANSWERED:
                continue
            have = set(r.answers.values_list("field__key", flat=True))
            values = {f.key: _value({"kind": f.kind, "choices": f.choices}, ctx.rng)
                      for f in req.fields.all() if f.key not in have}
            requests.submit_reply(user, r.pk, values=values, at=at + timedelta(days=ctx.rng.randint(1, 6)))
            answered += 1
    consumers.fast_forward(BurdenEvent)
    return f"burden: {len(plan(ctx.scale))} requests, {asked} villages asked, {answered} answered"
