"""Demo engagement data for a year up to ``ctx.today``: micro-wishes (260 at city scale, 26 small) and the three
lists with micro-projects (410 projects at city scale, 41 small; their needs, the resources of partner units
and 结对 departments, the brands 老娘舅帮帮团 and 幸福敲门日 of each town).

Wishes are posted by residents (some for them by grid workers), most published, claimed by party members and
volunteers of their village and fulfilled and thanked; a few turned out to be problems (marked converted,
without inventing cases). Projects: about 230 needs closed by completed projects at city scale, the rest open
calls or being carried out. Rows are bulk-written with their timeline rows; the invented history is not told to
the consumers of the engagement timeline (``consumers.fast_forward``: no points are posted for it).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from jishi.core import audit, consumers
from jishi.core.calendar import TZ
from jishi.engage.models import Bid, Brand, EngageEvent, Need, Progress, Project, Resource, Wish
from jishi.org.models import Person, Region

WISHES = {"city": 260, "small": 26}
PROJECTS = {"city": 410, "small": 41}
WISH_TITLES = [("goods", "想要一台助行器"), ("goods", "孩子想要一套课外书"), ("goods", "冬天想要一床新棉被"),
               ("service", "想学会用智能手机视频通话"), ("service", "希望有人帮忙理发"), ("service", "想请人修一修漏水的水龙头"),
               ("care", "独居老人希望有人常来聊聊天"), ("care", "想去市里医院复查需要陪同"), ("goods", "想要一台收音机"),
               ("service", "希望帮忙代缴水电费"), ("care", "留守儿童希望周末有人辅导作业"), ("goods", "想要一辆儿童自行车")]
NEEDS = ["电瓶车充电难", "小区停车位不足", "健身器材老化", "村道路灯不亮", "老年食堂用餐难", "垃圾分类亭破损",
         "儿童活动场地缺乏", "雨污管网堵塞", "快递收发不便", "文化活动室设施陈旧"]
PROJECT_OF = {"电瓶车充电难": "新建电瓶车集中充电棚", "小区停车位不足": "增设停车位", "健身器材老化": "更新健身器材",
              "村道路灯不亮": "村道路灯亮化", "老年食堂用餐难": "开办老年助餐点", "垃圾分类亭破损": "垃圾分类亭改造",
              "儿童活动场地缺乏": "建设儿童游乐区", "雨污管网堵塞": "疏通改造雨污管网", "快递收发不便": "设立快递驿站",
              "文化活动室设施陈旧": "文化活动室提升"}
UNITS = ["市供电公司党支部", "市自来水公司党支部", "市城管局机关党支部", "市住建局党支部", "市农商行党支部",
         "市人民医院党委", "市交通局党支部", "市文体局党支部", "某物业公司党支部", "某建设集团党委"]
RESOURCES = [("money", "党建共建资金", "元", (5000, 50000)), ("venue", "会议室、活动场地", "平方米", (50, 300)),
             ("skill", "水电维修技能服务", "小时", (20, 200)), ("volunteer", "党员志愿者", "人", (5, 40)),
             ("goods", "健身器材、桌椅等物资", "件", (5, 60))]
BRANDS = ["老娘舅帮帮团", "幸福敲门日"]
THANKS = ["谢谢党员同志！", "太感谢了，解决了大难题", "感谢志愿者的帮助", "非常满意，谢谢"]


def _at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def generate(ctx) -> str:
    rng = random.Random(f"engage:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    end = datetime.combine(today, time(17, 0), TZ)
    start = end - timedelta(days=365)
    villages = list(Region.objects.filter(level="village").values_list("id", "town_id", "name", "code"))
    if not villages:
        return "engage: no villages, skipped"
    people = _people(rng, [v[0] for v in villages])
    w = _wishes(rng, WISHES.get(ctx.scale, WISHES["small"]), villages, people, start, end)
    p, n, closed = _projects(rng, PROJECTS.get(ctx.scale, PROJECTS["small"]), villages, start, end, today)
    consumers.fast_forward(EngageEvent)
    audit.record(None, "demo.engage", object_type="engage.wish", object_id="demo",
                 summary=f"演示微心愿 {w} 个；微项目 {p} 个、需求 {n} 项（项目解决 {closed} 项）")
    return f"engage: {w} wishes, {p} projects, {n} needs ({closed} closed)"


def _people(rng, village_ids) -> dict[int, list[tuple[int, str, str, int | None]]]:
    """Up to 12 residents per village: (id, name, phone, micro-grid)."""
    out: dict[int, list] = {}
    for vid in village_ids:
        rows = list(Person.objects.filter(village_id=vid).values_list("id", "name", "phone", "microgrid_id")
                    .order_by("id")[:12])
        out[vid] = rows
    return out


@transaction.atomic
def _wishes(rng, total, villages, people, start, end) -> int:
    rows, plans = [], []
    for _i in range(total):
        vid, town, vname, _ = rng.choice(villages)
        folk = people.get(vid) or []
        if len(folk) < 2:
            continue
        wisher, claimant = rng.sample(folk, 2)
        kind, title = rng.choice(WISH_TITLES)
        posted = _at(rng, start, end - timedelta(days=1))
        age = (end - posted).days
        r = rng.random()
        state = ("submitted" if age < 3 else "rejected" if r < 0.03 else "converted" if r < 0.07 else
                 "published" if r < 0.15 or age < 7 else "claimed" if r < 0.22 or age < 12 else
                 "fulfilled" if r < 0.27 else "thanked")
        pub = posted + timedelta(days=1) if state not in ("submitted", "rejected", "converted") else None
        claimed = pub + timedelta(days=rng.randint(1, 4)) if state in ("claimed", "fulfilled", "thanked") else None
        done = claimed + timedelta(days=rng.randint(1, 8)) if state in ("fulfilled", "thanked") and claimed else None
        if done and done > end:
            done, state = None, "claimed"
        thanked = done + timedelta(days=1) if state == "thanked" and done else None
        w = Wish(title=title, content=f"{vname}{wisher[1]}的心愿：{title}", kind=kind, urgent=rng.random() < 0.1,
                 source="proxy" if rng.random() < 0.3 else "resident", region_id=wisher[3] or vid, wisher_id=wisher[0],
                 wisher_name=wisher[1], wisher_phone=wisher[2] or "", state=state, posted_at=posted, published_at=pub,
                 reject_reason="不属于微心愿范围" if state == "rejected" else "",
                 claimant_id=claimant[0] if claimed else None,
                 claimant_kind=rng.choice(["party_member", "party_member", "volunteer", "unit"]) if claimed else "",
                 claimed_at=claimed, fulfilled_at=done, fulfil_note="已送达并当面交付" if done else "",
                 thanked_at=thanked, thanks_note=rng.choice(THANKS) if thanked else "",
                 town_id=town, village_id=vid, microgrid_id=wisher[3])
        if w.claimant_kind == "unit":
            w.claimant_unit = rng.choice(UNITS)
        rows.append(w)
        plans.append([("wish_post", posted, "", "submitted")] +
                     ([("wish_publish", pub, "submitted", "published")] if pub else []) +
                     ([("wish_claim", claimed, "published", "claimed")] if claimed else []) +
                     ([("wish_fulfil", done, "claimed", "fulfilled")] if done else []) +
                     ([("wish_thank", thanked, "fulfilled", "thanked")] if thanked else []))
    Wish.objects.bulk_create(rows, batch_size=1000)
    events, numbered = [], []
    for w, plan in zip(rows, plans, strict=True):
        w.number = f"XY{w.posted_at.astimezone(TZ):%Y%m%d}{w.pk:05d}"
        numbered.append(w)
        events += [EngageEvent(wish_id=w.pk, verb=v, at=at, from_state=a, to_state=b, actor_name="演示")
                   for v, at, a, b in plan]
    Wish.objects.bulk_update(numbered, ["number"], batch_size=1000)
    EngageEvent.objects.bulk_create(sorted(events, key=lambda e: e.at), batch_size=2000)
    return len(rows)


@transaction.atomic
def _projects(rng, total, villages, start, end, today) -> tuple[int, int, int]:
    towns = sorted({v[1] for v in villages})
    brands = Brand.objects.bulk_create([Brand(name=f"{b}", region_id=t, town_id=t, description=f"{b}：党员志愿服务品牌")
                                        for t in towns for b in BRANDS], ignore_conflicts=True)
    brand_ids = {(b.town_id, b.name): b.pk for b in Brand.objects.filter(town_id__in=towns)}
    resources = []
    for vid, town, _, _ in villages:
        for _ in range(rng.randint(1, 2)):
            kind, desc, unit, (lo, hi) = rng.choice(RESOURCES)
            resources.append(Resource(provider=rng.choice(UNITS), kind=kind, description=desc, unit=unit,
                                      quantity=Decimal(rng.randint(lo, hi)), region_id=vid, town_id=town, village_id=vid))
    Resource.objects.bulk_create(resources, batch_size=1000)
    res_by_village: dict[int, list[int]] = {}
    for r in resources:
        res_by_village.setdefault(r.village_id, []).append(r.pk)
    needs, projects, plan = [], [], []
    for _ in range(total):
        vid, town, vname, _ = rng.choice(villages)
        title = rng.choice(NEEDS)
        created = _at(rng, start, end - timedelta(days=20))
        r = rng.random()
        state = "completed" if r < 0.56 else "awarded" if r < 0.8 else "open" if r < 0.95 else "draft"
        pub = created + timedelta(days=2) if state != "draft" else None
        awarded = pub + timedelta(days=rng.randint(3, 10)) if state in ("awarded", "completed") else None
        done = awarded + timedelta(days=rng.randint(15, 90)) if state == "completed" else None
        if done and done > end:
            done, state = None, "awarded"
        n_needs = 1 if rng.random() < 0.7 else 2
        p = Project(title=f"{vname}{PROJECT_OF[title]}", goals=f"解决{vname}群众反映的“{title}”问题", state=state,
                    budget=Decimal(rng.choice([8000, 12000, 20000, 38000, 50000])), region_id=vid, town_id=town,
                    village_id=vid, deadline=(created + timedelta(days=120)).date(), published_at=pub,
                    taker_unit=rng.choice(UNITS) if awarded else "", awarded_at=awarded,
                    progress=100 if done else rng.choice([20, 40, 60]) if awarded else 0, completed_at=done,
                    residents_rating=rng.choice([4, 5, 5]) if done else None,
                    review_note="群众满意，验收通过" if done else "",
                    brand_id=brand_ids.get((town, rng.choice(BRANDS))) if rng.random() < 0.3 else None)
        projects.append(p)
        ns = [Need(title=title if k == 0 else rng.choice(NEEDS), description=f"{vname}群众反映", region_id=vid,
                   town_id=town, village_id=vid, source=rng.choice(["resident", "visit", "case", "wish"]),
                   state="closed" if done else "planned", closed_at=done) for k in range(n_needs)]
        needs.append(ns)
        plan.append((created, pub, awarded, done))
    Project.objects.bulk_create(projects, batch_size=1000)
    flat, links, res_links, bids, reports, events = [], [], [], [], [], []
    for p, ns, (created, pub, awarded, done) in zip(projects, needs, plan, strict=True):
        p.number = f"WXM{created.astimezone(TZ):%Y%m%d}{p.pk:05d}"
        for n in ns:
            n.closed_by_id = p.pk if done else None
        flat += ns
        ev = [EngageEvent(project_id=p.pk, verb="project", at=created, to_state="draft", actor_name="演示")]
        if pub:
            ev.append(EngageEvent(project_id=p.pk, verb="project_publish", at=pub, from_state="draft", to_state="open"))
            for k, unit in enumerate(rng.sample(UNITS, 2 if awarded else 1)):
                chosen = bool(awarded) and k == 0
                bids.append(Bid(project_id=p.pk, unit=p.taker_unit if chosen else unit, plan="组织党员力量，按期完成",
                                submitted_at=pub + timedelta(days=1), chosen=chosen))
                ev.append(EngageEvent(project_id=p.pk, verb="bid", at=pub + timedelta(days=1)))
        if awarded:
            ev.append(EngageEvent(project_id=p.pk, verb="award", at=awarded, from_state="open", to_state="awarded"))
            reports.append(Progress(project_id=p.pk, at=awarded + timedelta(days=7), percent=min(p.progress, 50),
                                    note="已完成前期准备"))
        if done:
            ev.append(EngageEvent(project_id=p.pk, verb="complete", at=done, from_state="awarded", to_state="completed"))
        events += ev
        if res_by_village.get(p.village_id) and rng.random() < 0.7:
            res_links.append(Project.resources.through(project_id=p.pk, resource_id=rng.choice(res_by_village[p.village_id])))
    Project.objects.bulk_update(projects, ["number"], batch_size=1000)
    Need.objects.bulk_create(flat, batch_size=1000)
    for p, ns in zip(projects, needs, strict=True):
        links += [Project.needs.through(project_id=p.pk, need_id=n.pk) for n in ns]
    # Open needs on the list, waiting for a project (a fifth of the listed ones)
    spare = [Need(title=rng.choice(NEEDS), description="群众反映", region_id=v[0], town_id=v[1], village_id=v[0],
                  source="resident") for v in rng.choices(villages, k=max(5, total // 5))]
    Need.objects.bulk_create(spare, batch_size=1000)
    Project.needs.through.objects.bulk_create(links, batch_size=2000)
    Project.resources.through.objects.bulk_create(res_links, batch_size=2000, ignore_conflicts=True)
    Bid.objects.bulk_create(bids, batch_size=2000, ignore_conflicts=True)
    Progress.objects.bulk_create(reports, batch_size=2000)
    EngageEvent.objects.bulk_create(sorted(events, key=lambda e: e.at), batch_size=2000)
    del brands
    return len(projects), len(flat) + len(spare), sum(1 for n in flat if n.state == "closed")
