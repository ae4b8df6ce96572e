"""The verbs of a recruitment round (青苗/苗圃计划): open a round, register an application (the requirements
checked), and move an applicant through the stages of ``choices.TRANSITIONS`` — qualification (资格审查), exam
and interview scores, the round's ranking, and the decision: placed in a village post, into the reserve pool
(储备), or not selected.

Each move is a conditional update on the applicant's old stage and version: two staff acting on one applicant
at once — one wins, the other is told (409). Placing also locks the round, so a village's posts are never
over-filled. Each verb writes the row, one timeline row (``timeline.emit``) and one audit record, in one
transaction; an illegal move is refused and changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.utils import timezone

from jishi.cadres import scores
from jishi.cadres.access import MANAGE
from jishi.cadres.choices import (
    EDUCATION_RANK,
    TRANSITIONS,
    VERB_LABELS,
    Education,
    MemberSource,
    Plan,
    Stage,
)
from jishi.cadres.common import age_on, day, region, score, text
from jishi.cadres.models import Applicant, ReserveMember, Round
from jishi.cadres.timeline import actor_name, emit, writer
from jishi.core import audit, limits
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Person, Region
from jishi.org.policy import as_actor
from jishi.org.privacy import valid_phone

STALE = "该人员刚被他人办理过，请刷新页面后再试"


@writer
def open_round(actor, *, name: str, plan: str, region_id, opens_on, closes_on, positions_per_village: int = 1,
               max_age: int = 30, min_education: str = Education.COLLEGE, exam_weight: int = 50,
               interview_weight: int = 50, requirements: str = "") -> Round:
    """A round run by the city (region: the city) or a town (region: the town)."""
    actor = as_actor(actor)
    name = text(name, 80, field="name", label="批次名称", required=True)
    if plan not in Plan.values:
        raise ValidationFailed("请选择青苗计划或苗圃计划", field="plan")
    r = region(region_id, ("city", "town"), "region", "请选择组织单位：市或镇(街道)")
    opens, closes = day(opens_on, "opens_on", "报名开始日期"), day(closes_on, "closes_on", "报名截止日期")
    if closes < opens:
        raise ValidationFailed("报名截止日期不能早于开始日期", field="closes_on")
    if not 1 <= int(positions_per_village) <= 20:
        raise ValidationFailed("每村岗位数须在 1 到 20 之间", field="positions_per_village")
    if not 18 <= int(max_age) <= 60:
        raise ValidationFailed("年龄上限须在 18 到 60 周岁之间", field="max_age")
    if min_education not in Education.values:
        raise ValidationFailed("请选择最低学历", field="min_education")
    try:
        scores.check_weights(int(exam_weight), int(interview_weight))
    except scores.WeightsDontAddUp as exc:
        raise ValidationFailed(str(exc), field="exam_weight") from None
    rnd = Round(name=name, plan=plan, level="city" if r.level == "city" else "town", region=r,
                positions_per_village=int(positions_per_village), opens_on=opens, closes_on=closes,
                max_age=int(max_age), min_education=min_education, exam_weight=int(exam_weight),
                interview_weight=int(interview_weight),
                requirements=text(requirements, 300, field="requirements", label="其他条件"), created_by=actor.user)
    rnd.place_in(r if r.level != "city" else None)
    if not holds(actor, MANAGE, rnd):
        raise NotFound("所选区域不在您的范围内", field="region")
    rnd.save()
    emit("round_open", at=timezone.now(), subject=rnd, round=rnd, actor=actor.user, actor_name=actor_name(actor),
         note=name, data={"plan": plan, "level": rnd.level})
    audit.record(actor.user, "cadres.round_open", rnd, summary=f"发布招录：{name}", data={"region": r.pk})
    return rnd


@writer
def apply(actor, rnd: Round, *, village_id, name: str = "", birth_date=None, education: str = "", phone: str = "",
          major: str = "", person: Person | None = None, applied_on: date | None = None) -> Applicant:
    """Register one application to ``rnd`` for a post in a village: an existing person, or a new applicant
    (a person record is made). The round's requirements are checked: the window, age ≤ the round's limit on
    the day of application, at least the round's education."""
    actor = as_actor(actor)
    v = region(village_id, ("village",), "village", "请选择报考的村(社区)")
    if rnd.town_id and v.town_id != rnd.town_id:
        raise ValidationFailed("报考的村(社区)不在本批次的镇(街道)内", field="village")
    on = applied_on or timezone.localdate()
    if not rnd.opens_on <= on <= rnd.closes_on:
        raise ValidationFailed(f"不在报名时间内（{rnd.opens_on}至{rnd.closes_on}）", field="applied_on")
    if person is not None:
        name, birth_date = person.name, birth_date or person.birth_date
        phone = phone or person.phone
    name = text(name, limits.PERSON_NAME, field="name", label="姓名", required=True)
    if birth_date in (None, ""):
        raise ValidationFailed("请填写出生日期", field="birth_date")
    birth = day(birth_date, "birth_date", "出生日期")
    if birth >= on:
        raise ValidationFailed("出生日期不正确", field="birth_date")
    age = age_on(birth, on)
    if age > rnd.max_age:
        raise ValidationFailed(f"年龄不符合要求：须不超过 {rnd.max_age} 周岁（报名时 {age} 周岁）", field="birth_date")
    if education not in Education.values:
        raise ValidationFailed("请选择学历", field="education")
    if EDUCATION_RANK[education] < EDUCATION_RANK[rnd.min_education]:
        raise ValidationFailed(f"学历不符合要求：须{Education(rnd.min_education).label}及以上", field="education")
    phone = (phone or "").strip()
    if phone and not valid_phone(phone):
        raise ValidationFailed("手机号须为 11 位数字", field="phone")
    a = Applicant(round=rnd, name=name, birth_date=birth, education=education, phone=phone, region=v,
                  major=text(major, 60, field="major", label="专业"), applied_on=on)
    a.place_in(v)
    if not holds(actor, MANAGE, a):
        raise NotFound("所选村(社区)不在您的范围内", field="village")
    if person is None:
        person = Person(name=name, birth_date=birth, phone=phone)
        person.place_in(v)
        person.save()
    elif Applicant.objects.filter(round=rnd, person=person).exists():
        raise Conflict(f"{name}已报名本批次")
    a.person = person
    a.save()
    emit("apply", at=timezone.now(), subject=a, person=person, round=rnd, applicant=a, actor=actor.user,
         actor_name=actor_name(actor), to_state=Stage.APPLIED, note=f"报名{rnd.name}（{v.name}）",
         data={"age": age, "education": education})
    audit.record(actor.user, "cadres.apply", a, summary=f"{name} 报名 {rnd.name}", data={"village": v.pk})
    return a


def _move(actor, a: Applicant, verb: str, *, note: str = "", data: dict | None = None, **fields) -> Applicant:
    """The one way an applicant changes stage: the transition table, scope, then a conditional update on the
    old stage and version (0 rows: someone else got there first)."""
    actor = as_actor(actor)
    if not holds(actor, MANAGE, a):
        raise NotFound("报名人员不存在或不在您的范围内")
    sources, target = TRANSITIONS[verb]
    if a.stage not in sources:
        raise Conflict(f"当前阶段为“{Stage(a.stage).label}”，不能{VERB_LABELS[verb]}")
    n = Applicant.objects.filter(pk=a.pk, stage=a.stage, version=a.version).update(
        stage=target, version=F("version") + 1, **fields)
    if n != 1:
        raise Conflict(STALE)
    old = a.stage
    for k, v in fields.items():
        setattr(a, k, v)
    a.stage, a.version = target, a.version + 1
    emit(verb, at=timezone.now(), subject=a, person=a.person, round=a.round, applicant=a, actor=actor.user,
         actor_name=actor_name(actor), from_state=old, to_state=target, note=note, data=data)
    audit.record(actor.user, f"cadres.{verb}", a, summary=f"{a.name}：{VERB_LABELS[verb]}",
                 data={"from": old, "to": target, **(data or {})})
    return a


@writer
def qualify(actor, a: Applicant, *, note: str = "") -> Applicant:
    return _move(actor, a, "qualify", note=text(note, limits.REASON, field="note", label="说明"))


@writer
def disqualify(actor, a: Applicant, *, reason: str) -> Applicant:
    reason = text(reason, limits.REASON, field="reason", label="不通过原因", required=True)
    return _move(actor, a, "disqualify", note=reason, reason=reason, decided_on=timezone.localdate())


@writer
def score_exam(actor, a: Applicant, value) -> Applicant:
    s = score(value, "score", "笔试成绩")
    return _move(actor, a, "score_exam", note=f"笔试 {s}", data={"score": str(s)}, exam_score=s)


@writer
def score_interview(actor, a: Applicant, value) -> Applicant:
    s = score(value, "score", "面试成绩")
    return _move(actor, a, "score_interview", note=f"面试 {s}", data={"score": str(s)}, interview_score=s)


@writer
def rank_round(actor, rnd: Round) -> list[Applicant]:
    """Rank the round's interviewed applicants by their weighted total (``scores``); refused while any
    qualified applicant still waits for a score. Ranking again (after a corrected score) re-ranks."""
    actor = as_actor(actor)
    if not holds(actor, MANAGE, rnd):
        raise NotFound("招录批次不存在或不在您的范围内")
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    waiting = Applicant.objects.filter(round=rnd, stage__in=[Stage.QUALIFIED, Stage.EXAMINED]).count()
    if waiting:
        raise Conflict(f"尚有 {waiting} 人未完成笔试或面试成绩录入，不能排名")
    pool = list(Applicant.objects.filter(round=rnd, stage__in=[Stage.INTERVIEWED, Stage.RANKED])
                .select_related("person"))
    if not pool:
        raise Conflict("没有已完成面试的人员，不能排名")
    totals = {a.pk: scores.total(a.exam_score, a.interview_score, rnd.exam_weight, rnd.interview_weight)
              for a in pool}
    ranks = scores.ranking((a.pk, totals[a.pk], a.exam_score, a.interview_score) for a in pool)
    out = []
    for a in sorted(pool, key=lambda x: ranks[x.pk]):
        a.round = rnd
        out.append(_move(actor, a, "rank", note=f"综合成绩 {totals[a.pk]}，第 {ranks[a.pk]} 名",
                         data={"total": str(totals[a.pk]), "rank": ranks[a.pk]},
                         total_score=totals[a.pk], rank=ranks[a.pk]))
    return out


@writer
def place(actor, a: Applicant, *, post: str = "村务工作者") -> Applicant:
    """Place a ranked applicant in a post of the village they applied to, within the round's posts per
    village (the round is locked: two placements at once cannot over-fill a village)."""
    post = text(post, 60, field="post", label="岗位", required=True)
    rnd = Round.objects.select_for_update().get(pk=a.round_id)
    taken = Applicant.objects.filter(round=rnd, region_id=a.region_id, stage=Stage.PLACED).count()
    if a.stage == Stage.RANKED and holds(as_actor(actor), MANAGE, a) and taken >= rnd.positions_per_village:
        raise Conflict(f"{a.region.name}的 {rnd.positions_per_village} 个岗位已录满")
    a.round = rnd
    return _move(actor, a, "place", note=f"录用为{a.region.name}{post}", data={"post": post},
                 post=post, decided_on=timezone.localdate())


@writer
def to_reserve(actor, a: Applicant, *, note: str = "") -> Applicant:
    """Put a ranked applicant into the reserve pool of their village (储备)."""
    note = text(note, limits.REASON, field="note", label="说明")
    if ReserveMember.objects.filter(person_id=a.person_id, state="active").exists() and a.stage == Stage.RANKED:
        raise Conflict(f"{a.name}已在储备库中")
    a = _move(actor, a, "reserve", note=note or "纳入后备力量储备库", decided_on=timezone.localdate())
    from jishi.cadres.pool import enter

    enter(actor, a.person, a.region, source=MemberSource.RECRUITMENT, applicant=a, note=note)
    return a


@writer
def not_select(actor, a: Applicant, *, reason: str = "") -> Applicant:
    reason = text(reason, limits.REASON, field="reason", label="说明")
    return _move(actor, a, "not_select", note=reason, reason=reason, decided_on=timezone.localdate())


VERBS = {"qualify": qualify, "disqualify": disqualify, "not_select": not_select}


def village_choices(rnd: Round, actor) -> list[Region]:
    """The villages an application to ``rnd`` may name, in the actor's scope."""
    qs = Region.objects.filter(level="village").order_by("town__sort", "sort", "code")
    if rnd.town_id:
        qs = qs.filter(town_id=rnd.town_id)
    scope = as_actor(actor).scope(MANAGE)
    if not scope.everything:
        qs = qs.filter(town_id__in=sorted(scope.town))
    return list(qs)
