"""Demo mediation: a year of disputes across the city's mediation studios (60 at city scale), up to ``ctx.today``,
and the co-governance meetings of the villages (the demo generator's hook; runs after the cases' hook).

City scale: 12,000 disputes (a county-level city of 1.7 million: about 7 per 1,000 residents a year), small
scale 150. Most are resolved at the village (小事不出村), some go up to the town and a few to the city; about
45% are mediated by a studio of their town; a quarter come from 矛盾纠纷 cases of the demo year (linked), the
rest walk in or are referred by police, court or 12345. One in twelve repeats an earlier pair of parties.
Each dispute has its timeline (register, escalations, sessions, outcome, follow-ups). Rows are bulk-written;
the invented history is not told to consumers of the mediation timeline (``consumers.fast_forward``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max

from jishi.cases.models import Case
from jishi.core import audit, consumers
from jishi.core.calendar import TZ, add_working_days
from jishi.mediation.choices import LEVEL_DAYS, DisputeKind, FollowUpMethod, Source
from jishi.mediation.models import (
    Decision,
    Dispute,
    DisputeMediator,
    FollowUp,
    MediationEvent,
    Mediator,
    Meeting,
    Party,
    Session,
)
from jishi.org.choices import Role, VenueKind
from jishi.org.models import Region, StaffAssignment, Venue

SCALES = {"city": 12_000, "small": 150}
MEETINGS_PER_VILLAGE = {"city": 6, "small": 8}
CHUNK = 2000
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国秀英桂兰志强海燕明华春梅国平玉珍金凤宏伟丽娟德明小红永康晓东淑芬伟民爱华"
KINDS = [(DisputeKind.NEIGHBOUR, 34), (DisputeKind.FAMILY, 20), (DisputeKind.LAND, 14), (DisputeKind.LABOUR, 10),
         (DisputeKind.PROPERTY, 12), (DisputeKind.OTHER, 10)]
TITLES = {
    DisputeKind.NEIGHBOUR: ["宅前排水纠纷", "相邻通行纠纷", "噪音扰民纠纷", "违建遮光纠纷", "宠物伤人纠纷"],
    DisputeKind.FAMILY: ["赡养老人纠纷", "婚姻家庭纠纷", "遗产继承纠纷", "抚养费纠纷"],
    DisputeKind.LAND: ["承包地边界纠纷", "宅基地界址纠纷", "土地流转租金纠纷"],
    DisputeKind.LABOUR: ["拖欠工资纠纷", "工伤赔偿纠纷", "劳务费纠纷"],
    DisputeKind.PROPERTY: ["物业费纠纷", "房屋漏水纠纷", "车位占用纠纷", "房屋租赁纠纷"],
    DisputeKind.OTHER: ["消费纠纷", "交通事故赔偿纠纷", "借款纠纷"],
}
SOURCES = [(Source.WALK_IN, 45), (Source.VISIT, 15), (Source.POLICE, 15), (Source.COURT, 8), (Source.HOTLINE, 12),
           (Source.OTHER, 5)]
TERMS = ["一、{r}于{d}日内{act}；\n二、{a}对此表示认可，双方就此事不再发生争议；\n三、本协议履行完毕后双方互不追究。",
         "一、{r}一次性补偿{a}人民币{m}元，于{d}日内付清；\n二、双方今后和睦相处，互谅互让。"]
ACTS = ["修复排水沟", "拆除遮挡物", "恢复原状", "清退占用部分", "支付所欠款项", "按月给付赡养费"]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights)[0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def generate(ctx) -> str:
    total = SCALES.get(ctx.scale, SCALES["small"])
    rng = random.Random(f"mediation:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    end = datetime.combine(today, time(17, 0), TZ)
    start = end - timedelta(days=365)
    villages = list(Region.objects.filter(level="village").values_list("id", "town_id", "name"))
    if not villages:
        return "mediation: no villages, skipped"
    studios: dict[int, list[int]] = defaultdict(list)
    for pk, town in Venue.objects.filter(kind=VenueKind.MEDIATION_STUDIO).values_list("id", "town_id"):
        studios[town].append(pk)
    roster = _roster(rng)
    cadres: dict[int, list[int]] = defaultdict(list)
    commanders: dict[int, list[int]] = defaultdict(list)
    for role, region, person in StaffAssignment.objects.filter(
            is_active=True, role__in=[Role.VILLAGE_CADRE, Role.TOWN_COMMANDER]).values_list("role", "region_id", "person_id"):
        (cadres if role == Role.VILLAGE_CADRE else commanders)[region].append(person)
    cases = list(Case.objects.filter(category__code__in=["1001", "1002", "1003", "1004", "1005"], village__isnull=False,
                                     reported_at__gte=start).exclude(state="rejected")
                 .values_list("id", "number", "title", "village_id", "reported_at", "category__code")[: total // 4])
    taken = set(Dispute.objects.exclude(case=None).values_list("case_id", flat=True))
    cases = [c for c in cases if c[0] not in taken]
    next_pk = (Dispute.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    village_of = {v[0]: v for v in villages}
    pairs: list[tuple[tuple, tuple]] = []
    made = resolved = 0
    bar = ctx.progress(total=total, desc="矛盾纠纷")
    for lo in range(0, total, CHUNK):
        n = min(CHUNK, total - lo)
        plan = []
        for i in range(lo, lo + n):
            case = cases[i] if i < len(cases) else None
            if case:
                village = village_of.get(case[3]) or rng.choice(villages)
                at = case[4] + timedelta(hours=rng.randint(2, 30))
            else:
                village = rng.choice(villages)
                at = start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))
            plan.append((next_pk + i, village, case, at))
        resolved += _write(rng, plan, studios, roster, cadres, commanders, pairs, end)
        made += n
        if bar is not None and hasattr(bar, "update"):
            bar.update(n)
    if bar is not None and hasattr(bar, "close"):
        bar.close()
    meetings = _meetings(rng, villages, cadres, ctx.scale, today)
    _reset_sequences()
    consumers.fast_forward(MediationEvent)
    audit.record(None, "demo.mediation", object_type="mediation.dispute", object_id="demo",
                 summary=f"演示矛盾纠纷 {made} 件，调解成功 {resolved} 件；议事会议 {meetings} 次",
                 data={"studios": sum(len(v) for v in studios.values())})
    return f"mediation: {made} disputes ({resolved} resolved), {meetings} meetings"


def _outcome(rng: random.Random, at: datetime, end: datetime):
    """(levels gone up, outcome or None while open, days to close)."""
    age = (end - at).days
    r = rng.random()
    ups = 0 if r < 0.80 else 1 if r < 0.95 else 2
    days = [rng.randint(1, 9), rng.randint(8, 22), rng.randint(20, 40)][ups]
    if age < days or (age < 25 and rng.random() < 0.25):
        return min(ups, 1 if age > 14 else 0), None, 0
    o = rng.random()
    outcome = "agreement" if o < 0.93 else "no_agreement" if o < 0.96 else rng.choice(
        ["litigation", "arbitration", "police"])
    return ups, outcome, days


@transaction.atomic
def _write(rng, plan, studios, roster, cadres, commanders, pairs, end) -> int:
    disputes, parties, links, sessions, ups_rows, events = [], [], [], [], [], []
    resolved = 0
    for pk, (vid, town, vname), case, at in plan:
        kind = DisputeKind.OTHER if case is None else {"1001": DisputeKind.NEIGHBOUR, "1002": DisputeKind.FAMILY,
                                                        "1003": DisputeKind.LABOUR, "1004": DisputeKind.LAND}.get(
            case[5], DisputeKind.OTHER)
        if case is None:
            kind = _pick(rng, KINDS)
        if pairs and rng.random() < 1 / 12:
            a, b = rng.choice(pairs)
        else:
            a = (_name(rng), _phone(rng))
            b = (_name(rng), _phone(rng))
            pairs.append((a, b))
        source = Source.CASE if case else _pick(rng, SOURCES)
        ref = case[1] if case else (f"{source.upper()[:2]}{at:%Y%m%d}{pk % 1000:03d}"
                                    if source in (Source.POLICE, Source.COURT, Source.HOTLINE) else "")
        title = case[2] if case else f"{a[0][0]}某与{b[0][0]}某{rng.choice(TITLES[kind])}"
        studio = rng.choice(studios[town]) if studios.get(town) and rng.random() < 0.45 else None
        ups, outcome, days = _outcome(rng, at, end)
        level = ["village", "town", "city"][ups]
        closed_at = at + timedelta(days=days, hours=rng.randint(1, 6)) if outcome else None
        state = ("agreed" if outcome == "agreement" else "failed" if outcome == "no_agreement" else "referred"
                 if outcome else "mediating")
        level_start = at + timedelta(days=[0, 9, 21][ups])
        d = Dispute(id=pk, number=f"TJ{at.astimezone(TZ):%Y%m%d}{pk:05d}", title=title[:120],
                    facts=f"{a[0]}反映：与{b[0]}因{TITLES[kind][0][:-2]}发生争执，请求调解。", kind=kind, source=source,
                    source_ref=ref, case_id=case[0] if case else None, region_id=vid, town_id=town, village_id=vid,
                    level=level, studio_id=studio if ups == 0 else None, state=state, registered_at=at,
                    due_at=None if outcome else add_working_days(level_start, LEVEL_DAYS[level]), escalations=ups,
                    closed_at=closed_at, closed_level=level if outcome else "", outcome=outcome or "",
                    outcome_note="" if outcome in (None, "agreement") else "双方分歧较大，依法引导通过其他途径解决",
                    agreement_terms=rng.choice(TERMS).format(r=b[0], a=a[0], d=rng.choice((7, 10, 15, 30)),
                                                             act=rng.choice(ACTS), m=rng.choice((500, 1200, 3000, 8000)))
                    if outcome == "agreement" else "",
                    agreement_performance="按协议约定期限履行" if outcome == "agreement" else "")
        disputes.append(d)
        parties += [Party(dispute_id=pk, side="applicant", name=a[0], phone=a[1]),
                    Party(dispute_id=pk, side="respondent", name=b[0], phone=b[1])]
        mediators = ((roster.get(studio) or [])[:2] if ups == 0 and studio else cadres.get(vid, [])[:2] if ups == 0
                     else commanders.get(town, [])[:1] if ups == 1 else [])
        links += [DisputeMediator(dispute_id=pk, person_id=p, is_lead=i == 0) for i, p in enumerate(mediators)]
        ev = [MediationEvent(dispute_id=pk, verb="register", actor_name="受理", at=at, to_state="accepted",
                             level="village", data={"source": source, "demo": True})]
        for u in range(ups):
            ev.append(MediationEvent(dispute_id=pk, verb="escalate", actor_name="系统", at=at + timedelta(days=[9, 21][u]),
                                     from_state="mediating", to_state="mediating", level=["town", "city"][u],
                                     note="本级时限内未化解，上交", data={"automatic": True}))
        last = closed_at or min(end, at + timedelta(days=2))
        for s in range(1 if ups == 0 else 2):
            held = min(last - timedelta(hours=1), level_start + timedelta(days=s + 1, hours=2))
            held = max(held, at + timedelta(hours=1))
            sessions.append(Session(dispute_id=pk, held_at=held, place=f"{vname}调解室", notes="组织双方当事人面对面调解，释法明理。",
                                    mediators="调解员"))
            ev.append(MediationEvent(dispute_id=pk, verb="session", actor_name="调解员", at=held,
                                     from_state="accepted", to_state="mediating", level=level))
        if outcome:
            ev.append(MediationEvent(dispute_id=pk, verb="outcome", actor_name="调解员", at=closed_at,
                                     from_state="mediating", to_state=state, level=level, data={"outcome": outcome}))
        if outcome == "agreement":
            resolved += 1
            visit = (closed_at + timedelta(days=rng.randint(10, 40))).date()
            if visit <= end.date() and rng.random() < 0.7:
                holds = rng.random() < 0.95
                ups_rows.append(FollowUp(dispute_id=pk, visited_on=visit, method=_pick(rng, [
                    (FollowUpMethod.PHONE, 5), (FollowUpMethod.IN_PERSON, 4), (FollowUpMethod.ONLINE, 1)]),
                    holds=holds, notes="协议已履行" if holds else "一方未按期履行，继续跟进"))
                ev.append(MediationEvent(dispute_id=pk, verb="follow_up", actor_name="调解员",
                                         at=datetime.combine(visit, time(10), TZ), level=level, data={"holds": holds}))
        events += sorted(ev, key=lambda e: e.at)
    Dispute.objects.bulk_create(disputes, batch_size=1000)
    Party.objects.bulk_create(parties, batch_size=2000)
    DisputeMediator.objects.bulk_create(links, batch_size=2000)
    Session.objects.bulk_create(sessions, batch_size=2000)
    FollowUp.objects.bulk_create(ups_rows, batch_size=2000)
    MediationEvent.objects.bulk_create(events, batch_size=2000)
    return resolved


@transaction.atomic
def _roster(rng: random.Random) -> dict[int, list[int]]:
    """Three people's mediators per studio, residents of its village (人民调解员名册)."""
    from jishi.org.models import Person

    rows, out = [], defaultdict(list)
    for v in Venue.objects.filter(kind=VenueKind.MEDIATION_STUDIO).select_related("region"):
        people = list(Person.objects.filter(village_id=v.village_id, user__isnull=True)
                      .values_list("id", flat=True).order_by("id")[:60])
        for i, p in enumerate(rng.sample(people, min(3, len(people)))):
            out[v.pk].append(p)
            rows.append(Mediator(person_id=p, region_id=v.region_id, studio_id=v.pk, town_id=v.town_id,
                                 village_id=v.village_id, title="专职调解员" if i == 0 else "兼职调解员"))
    Mediator.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return out


TOPICS = [("council", "村道路灯亮化议事"), ("council", "人居环境整治议事"), ("council", "村级公益项目议事"),
          ("help_team", "独居老人结对帮扶"), ("help_team", "困难家庭走访帮扶"), ("council", "停车难问题议事")]
DECISIONS = ["由村两委牵头制定实施方案", "党员志愿者分片包干", "一个月内完成并公示", "报镇相关部门协调解决"]


@transaction.atomic
def _meetings(rng, villages, cadres, scale, today) -> int:
    n = MEETINGS_PER_VILLAGE.get(scale, 6)
    meetings = []
    for vid, town, name in villages:
        for _ in range(n):
            kind, topic = rng.choice(TOPICS)
            meetings.append(Meeting(kind=kind, topic=f"{name}{topic}", held_on=today - timedelta(days=rng.randint(1, 360)),
                                    region_id=vid, town_id=town, village_id=vid, place=f"{name}党群服务中心",
                                    participants="村党组织书记、党员代表、村民代表、网格员",
                                    minutes=f"围绕“{topic}”听取群众意见，充分讨论后形成决议。"))
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    made = [m.pk for m in meetings]  # bulk_create returns the ids (PostgreSQL; SQLite ≥ 3.35)
    Decision.objects.bulk_create([Decision(meeting_id=m, text=t) for m in made for t in rng.sample(DECISIONS, 2)],
                                 batch_size=2000)
    return len(meetings)


def _reset_sequences() -> None:
    """Explicit dispute ids were written: move PostgreSQL's sequence past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Dispute]):
            cur.execute(sql)
