"""Demo data of the cadre pipeline (the demo generator's hook), at the report's figures at city scale: last
year's 青苗 rounds of every town placed 299 young workers (under 30, a degree) in village posts, the reserve pool
holds 600+ (612: from the rounds and nominated by the organisation, evaluated for last year), 52 学看比拼 events
(50+) with judges' scores and rankings, 63 墩苗 secondments (out now, due back this month, returned awaiting
assessment, assessed). Small scale: a few of each. ``plan()`` fixes the figures without a database (tested).

Rows are bulk-written with their timeline rows (the 干部档案 reads them); the timeline has no consumers to tell.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from jishi.cadres import scores
from jishi.cadres.models import (
    Applicant,
    CadreEvent,
    Contest,
    Contestant,
    Evaluation,
    JudgeScore,
    ReserveMember,
    Round,
    Secondment,
)
from jishi.core import audit
from jishi.core.calendar import TZ
from jishi.org.choices import Role
from jishi.org.models import Department, Person, Region, StaffAssignment

FIGURES = {"city": {"placed": 299, "reserve": 612, "contests": 52, "secondments": 63},
           "small": {"placed": 6, "reserve": 10, "contests": 3, "secondments": 4}}
FROM_ROUNDS = 0.7  # of the reserve pool, the share that came from the rounds (the rest nominated)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "子涵欣怡梓轩浩然宇航佳琪思远雨桐俊杰诗涵明轩雅琪博文晨曦嘉怡一鸣若曦天佑语嫣志强婉婷"
MAJORS = ["农学", "汉语言文学", "法学", "行政管理", "计算机科学与技术", "会计学", "社会工作", "园林", "电子商务", "土木工程"]
THEMES = ["人居环境整治", "村级集体经济发展", "“微网格”治理", "矛盾纠纷化解", "党群服务中心建设", "乡风文明", "积分制管理",
          "垃圾分类", "一老一小服务", "产业振兴"]
HOSTS = ["浙江省安吉县余村", "江苏省江阴市华西村", "浙江省桐乡市乌镇", "上海市嘉定区", "江苏省张家港市永联村",
         "浙江省嘉兴市南湖区"]


def plan(scale: str, villages: int) -> dict:
    """The figures the demo writes at ``scale`` over ``villages`` villages (no database)."""
    f = FIGURES[scale]
    from_rounds = round(f["reserve"] * FROM_ROUNDS)
    per_village = [f["placed"] // villages + (1 if i < f["placed"] % villages else 0) for i in range(villages)]
    not_selected, disqualified = max(1, f["placed"] // 3), max(1, f["placed"] // 10)
    return {**f, "from_rounds": from_rounds, "nominated": f["reserve"] - from_rounds, "per_village": per_village,
            "positions_per_village": max(per_village) if per_village else 1, "not_selected": not_selected,
            "disqualified": disqualified,
            "applicants": f["placed"] + from_rounds + not_selected + disqualified}


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=TZ)


def generate(ctx) -> str:
    rng = random.Random(f"cadres:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    villages = list(Region.objects.filter(level="village").order_by("code"))
    towns = list(Region.objects.filter(level="town").order_by("code"))
    if not villages or not towns or Round.objects.exists():
        return "cadres: skipped"
    p = plan(ctx.scale if ctx.scale in FIGURES else "small", len(villages))
    with transaction.atomic():
        n_app = _rounds(rng, today, towns, villages, p)
        _nominated(rng, today, villages, p["nominated"])
        n_sec = _secondments(rng, today, villages, p["secondments"])
        n_con = _contests(rng, today, towns, villages, p["contests"])
    placed = Applicant.objects.filter(stage="placed").count()
    reserve = ReserveMember.objects.filter(state="active").count()
    audit.record(None, "demo.cadres", object_type="cadres.round", object_id="demo",
                 summary=f"演示干部队伍：招录 {n_app} 人（录用 {placed}），储备 {reserve}，墩苗 {n_sec}，学看比拼 {n_con}")
    return f"cadres: {placed} placed of {n_app} applicants, {reserve} in reserve, {n_sec} secondments, {n_con} contests"


def _rounds(rng, today, towns, villages, p) -> int:
    year = today.year - 1
    opens, closes = date(year, 3, 1), date(year, 3, 31)
    by_town: dict[int, list] = {}
    for v, n in zip(villages, p["per_village"], strict=True):
        by_town.setdefault(v.town_id, []).append((v, n))
    rounds = {}
    for t in towns:
        r = Round(name=f"{year}年{t.name}“青苗计划”村级后备力量招录", plan="qingmiao", level="town", region=t,
                  positions_per_village=p["positions_per_village"], opens_on=opens, closes_on=closes, max_age=30,
                  min_education="college", exam_weight=60, interview_weight=40,
                  requirements="30周岁以下，大专及以上学历，热爱农村工作")
        r.place_in(t)
        rounds[t.pk] = r
    Round.objects.bulk_create(rounds.values())
    # every applicant's outcome: placed per village, then reserve / not selected / disqualified spread round-robin
    outcomes = [(v, "placed") for v, n in ((v, n) for vs in by_town.values() for v, n in vs) for _ in range(n)]
    extra = ["reserve"] * p["from_rounds"] + ["not_selected"] * p["not_selected"] + ["disqualified"] * p["disqualified"]
    outcomes += [(villages[(i * 7) % len(villages)], s) for i, s in enumerate(extra)]
    people, apps = [], []
    for v, stage in outcomes:
        birth = date(year - rng.randint(22, 30), rng.randint(1, 12), rng.randint(1, 28))
        name = _name(rng)
        person = Person(name=name, birth_date=birth, phone=f"139{rng.randint(0, 99999999):08d}")
        person.place_in(v)
        people.append(person)
        a = Applicant(round=rounds[v.town_id], name=name, birth_date=birth, phone=person.phone, region=v,
                      education=rng.choice(["college", "bachelor", "bachelor", "bachelor", "master"]),
                      major=rng.choice(MAJORS), stage=stage, applied_on=opens + timedelta(days=rng.randint(0, 30)))
        a.place_in(v)
        if stage != "disqualified":
            lo = {"placed": 75, "reserve": 68, "not_selected": 55}[stage]
            a.exam_score = Decimal(rng.randint(lo * 10, min(lo + 20, 98) * 10)) / 10
            a.interview_score = Decimal(rng.randint(lo * 10, min(lo + 20, 98) * 10)) / 10
            a.total_score = scores.total(a.exam_score, a.interview_score, 60, 40)
        else:
            a.reason = "学历证书核验未通过"
        a.decided_on = date(year, 6, 20)
        a.post = "村务工作者" if stage == "placed" else ""
        apps.append(a)
    Person.objects.bulk_create(people, batch_size=1000)
    for a, person in zip(apps, people, strict=True):
        a.person = person
    for r in rounds.values():  # ranks within each round
        mine = [a for a in apps if a.round is r and a.total_score is not None]
        ranks = scores.ranking((i, a.total_score, a.exam_score, a.interview_score) for i, a in enumerate(mine))
        for i, a in enumerate(mine):
            a.rank = ranks[i]
    Applicant.objects.bulk_create(apps, batch_size=1000)
    events, members = [], []
    for a in apps:
        events.append(_event("apply", a, a.person, _at(a.applied_on), note=f"报名{a.round.name}（{a.region.name}）",
                             round=a.round, applicant=a, to_state="applied"))
        if a.rank:
            events.append(_event("rank", a, a.person, _at(date(year, 6, 10)), round=a.round, applicant=a,
                                 note=f"综合成绩 {a.total_score}，第 {a.rank} 名", to_state="ranked"))
        verb = {"placed": "place", "reserve": "reserve", "not_selected": "not_select", "disqualified": "disqualify"}
        events.append(_event(verb[a.stage], a, a.person, _at(a.decided_on), round=a.round, applicant=a,
                             to_state=a.stage, note={"placed": f"录用为{a.region.name}村务工作者",
                                                     "reserve": "纳入后备力量储备库"}.get(a.stage, a.reason)))
        if a.stage == "reserve":
            m = ReserveMember(person=a.person, region=a.region, source="recruitment", applicant=a,
                              joined_on=a.decided_on)
            m.place_in(a.region)
            members.append(m)
    ReserveMember.objects.bulk_create(members, batch_size=1000)
    events += _pool_events(rng, members, year)
    CadreEvent.objects.bulk_create(events, batch_size=2000)
    return len(apps)


def _event(verb, subject, person, at, **kw) -> CadreEvent:
    e = CadreEvent(verb=verb, person=person, at=at, actor_name="组织部（演示）", **kw)
    for lv in ("town", "village", "grid", "microgrid"):
        setattr(e, f"{lv}_id", getattr(subject, f"{lv}_id", None))
    e.note = (e.note or "")[:300]
    return e


def _pool_events(rng, members, year) -> list[CadreEvent]:
    evs, events = [], []
    for m in members:
        if m.pk is None:
            continue
        events.append(_event("pool_add", m, m.person, _at(m.joined_on, 11), member=m, to_state="active",
                             note=f"进入{m.region.name}后备力量储备库"))
        grade = rng.choices(["excellent", "pass", "basic", "fail"], weights=[25, 60, 12, 3])[0]
        evs.append(Evaluation(member=m, year=year, grade=grade, comment="", evaluator_name="组织部（演示）",
                              at=_at(date(year, 12, 20))))
        label = {"excellent": "优秀", "pass": "合格", "basic": "基本合格", "fail": "不合格"}[grade]
        events.append(_event("evaluate", m, m.person, _at(date(year, 12, 20)), member=m,
                             note=f"{year}年度评价：{label}"))
    Evaluation.objects.bulk_create(evs, batch_size=1000)
    return events


def _nominated(rng, today, villages, n) -> None:
    taken = set(ReserveMember.objects.values_list("person_id", flat=True))
    people = list(Person.objects.filter(village__isnull=False, user__isnull=True).exclude(pk__in=taken)
                  .select_related("village").order_by("id")[: n * 3])
    rng.shuffle(people)
    members = []
    for person in people[:n]:
        m = ReserveMember(person=person, region=person.village, source="nomination",
                          joined_on=date(today.year - 1, rng.randint(1, 10), rng.randint(1, 28)))
        m.place_in(person.village)
        members.append(m)
    ReserveMember.objects.bulk_create(members, batch_size=1000)
    CadreEvent.objects.bulk_create(_pool_events(rng, members, today.year - 1), batch_size=2000)


def _secondments(rng, today, villages, n) -> int:
    cadres = list(StaffAssignment.objects.filter(role=Role.VILLAGE_CADRE, village__isnull=False)
                  .select_related("person", "village").order_by("id")[: n * 2])
    if not cadres:
        return 0
    deps = list(Department.objects.order_by("code")[:20])
    rows, events = [], []
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for i in range(n):
        sa = cadres[i % len(cadres)]
        kind = "higher" if i % 3 else "advanced"
        dep = deps[i % len(deps)] if kind == "higher" and deps else None
        unit = dep.name if dep else HOSTS[i % len(HOSTS)]
        bucket = i % 6  # 0-1 out, 2 due this month, 3 returned awaiting assessment (overdue), 4-5 assessed
        if bucket in (0, 1):
            starts = today - timedelta(days=rng.randint(30, 150))
            ends = today + timedelta(days=rng.randint(60, 200))
        elif bucket == 2:
            ends = month_end
            starts = ends - timedelta(days=180)
        else:
            ends = today - timedelta(days=rng.randint(45, 200))
            starts = ends - timedelta(days=180)
        s = Secondment(person=sa.person, region=sa.village, host_kind=kind, host_department=dep, host_unit=unit,
                       post="挂职锻炼" if kind == "advanced" else "挂职科员", starts_on=starts, ends_on=ends,
                       state="out" if bucket <= 2 else ("returned" if bucket == 3 else "assessed"))
        if bucket >= 3:
            s.returned_on = ends
        if bucket >= 4:
            s.grade, s.assessed_on, s.assessment = rng.choice(["excellent", "pass"]), ends + timedelta(days=10), "挂职期间表现良好"
        s.place_in(sa.village)
        rows.append(s)
    Secondment.objects.bulk_create(rows)
    for s in rows:
        events.append(_event("second", s, s.person, _at(s.starts_on), secondment=s, to_state="out",
                             note=f"到{s.host_unit}挂职（{s.starts_on}至{s.ends_on}）"))
        if s.returned_on:
            events.append(_event("return", s, s.person, _at(s.returned_on), secondment=s, to_state="returned",
                                 note="挂职期满返回"))
        if s.assessed_on:
            events.append(_event("assess", s, s.person, _at(s.assessed_on), secondment=s, to_state="assessed",
                                 note="挂职考核：" + ("优秀" if s.grade == "excellent" else "合格")))
    CadreEvent.objects.bulk_create(events)
    return len(rows)


def _contests(rng, today, towns, villages, n) -> int:
    by_town: dict[int, list] = {}
    for v in villages:
        by_town.setdefault(v.town_id, []).append(v)
    presenter = dict(StaffAssignment.objects.filter(role=Role.VILLAGE_CADRE).order_by("-id")
                     .values_list("region_id", "person_id"))
    start = today - timedelta(days=360)
    contests, entries, judge_rows, events = [], [], [], []
    for i in range(n):
        t = towns[i % len(towns)]
        held = start + timedelta(days=(i * 350) // max(n, 1))
        c = Contest(title=f"{THEMES[i % len(THEMES)]}学看比拼", held_on=held, region=t, closed=True)
        c.place_in(t)
        contests.append(c)
    Contest.objects.bulk_create(contests)
    for c in contests:
        vs = by_town.get(c.town_id, [])
        picked = rng.sample(vs, min(len(vs), rng.randint(4, 6)))
        mine = []
        for v in picked:
            e = Contestant(contest=c, village=v, person_id=presenter.get(v.pk))
            judges = [Decimal(rng.randint(700, 980)) / 10 for _ in range(rng.randint(5, 7))]
            e.score = scores.judged(judges)
            e.judges = judges
            mine.append(e)
        ranks = scores.contest_ranking((k, e.score) for k, e in enumerate(mine))
        for k, e in enumerate(mine):
            e.rank = ranks[k]
        entries += mine
    Contestant.objects.bulk_create(entries)
    for e in entries:
        judge_rows += [JudgeScore(contestant=e, judge=f"评委{j + 1}", score=s) for j, s in enumerate(e.judges)]
        ev = _event("contest_close", e.village, None, _at(e.contest.held_on, 16), contest=e.contest,
                    note=f"学看比拼“{e.contest.title}”：{e.village.name}得分 {e.score}，第 {e.rank} 名")
        ev.person_id = e.person_id
        events.append(ev)
    JudgeScore.objects.bulk_create(judge_rows, batch_size=2000)
    CadreEvent.objects.bulk_create(events, batch_size=2000)
    return len(contests)
