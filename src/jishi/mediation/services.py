"""The verbs of mediation: register, assign, record a session, escalate, record the outcome, follow up.

Each verb checks scope (``access``) and its invariant, changes the dispute with a conditional update on its
version (two people acting at once: one wins, the other is told), writes one timeline row (``timeline.emit``)
and one audit record, in one transaction. Bad input raises ``ValidationFailed`` and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F
from django.utils import timezone

from jishi.core import audit
from jishi.core.calendar import add_working_days
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds as scope_holds
from jishi.mediation import access
from jishi.mediation.choices import (
    LEVEL_DAYS,
    NEXT_LEVEL,
    OPEN_STATES,
    OUTCOME_STATE,
    DisputeKind,
    FollowUpMethod,
    Level,
    Outcome,
    PartySide,
    Source,
    State,
)
from jishi.mediation.models import Dispute, DisputeMediator, FollowUp, Party, Session
from jishi.mediation.timeline import emit, writer
from jishi.org.choices import VenueKind
from jishi.org.models import Person, Region, Venue
from jishi.org.policy import as_actor
from jishi.org.privacy import valid_id_number, valid_phone

STALE = "该纠纷刚被他人办理过，请刷新页面后再试"


def _name(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


def _due(level: str, start: datetime) -> datetime:
    return add_working_days(start, LEVEL_DAYS[level])


def _clean_parties(parties: list[dict], *, need_both_sides: bool) -> list[Party]:
    rows = []
    for i, p in enumerate(parties or [], 1):
        name = (p.get("name") or "").strip()
        phone = (p.get("phone") or "").strip()
        idn = (p.get("id_number") or "").strip().upper()
        side = p.get("side") or PartySide.APPLICANT
        if not name and not phone and not idn:
            continue
        if not name:
            raise ValidationFailed(f"第{i}位当事人请填写姓名", field="parties")
        if side not in PartySide.values:
            raise ValidationFailed(f"第{i}位当事人的身份“{side}”不对", field="parties")
        if phone and not valid_phone(phone):
            raise ValidationFailed(f"当事人{name}的手机号“{phone}”不是11位手机号", field="parties")
        if idn and not valid_id_number(idn):
            raise ValidationFailed(f"当事人{name}的身份证号校验不通过", field="parties")
        rows.append(Party(side=side, name=name[:50], phone=phone, id_number=idn,
                          address=(p.get("address") or "").strip()[:200], person_id=p.get("person_id")))
    sides = {r.side for r in rows}
    if need_both_sides and not {PartySide.APPLICANT, PartySide.RESPONDENT} <= sides:
        raise ValidationFailed("请至少登记一位申请人和一位被申请人", field="parties")
    if not rows and need_both_sides:
        raise ValidationFailed("请至少登记一位当事人", field="parties")
    return rows


def _studio(studio) -> Venue | None:
    if studio in (None, ""):
        return None
    v = studio if isinstance(studio, Venue) else Venue.objects.filter(pk=studio).first()
    if v is None or v.kind != VenueKind.MEDIATION_STUDIO:
        raise ValidationFailed("请选择一个调解工作室", field="studio")
    return v


def _region(region) -> Region:
    r = region if isinstance(region, Region) else Region.objects.filter(pk=region).first() if region else None
    if r is None or r.level == "city":
        raise ValidationFailed("请选择纠纷发生的村(社区)或镇(街道)", field="region")
    return r


def _mediators(actor, ids) -> list[Person]:
    ids = sorted({int(i) for i in ids or [] if str(i).strip()})
    people = list(Person.objects.filter(pk__in=ids))
    if len(people) != len(ids):
        raise ValidationFailed("调解员不存在", field="mediators")
    return people


def register_dispute(actor, *, title: str, kind: str, source: str, region, parties: list[dict], facts: str = "",
                     source_ref: str = "", studio=None, mediators=(), case=None, at: datetime | None = None,
                     need_both_sides: bool = True) -> Dispute:
    """Register (受理) a dispute from any channel, at the level of the place it arose."""
    actor = as_actor(actor)
    return writer(register_rows)(actor, title=title, kind=kind, source=source, region=region, parties=parties, facts=facts,
                     source_ref=source_ref, studio=studio, mediators=mediators, case=case, at=at,
                     need_both_sides=need_both_sides)


def register_rows(actor, *, title, kind, source, region, parties, facts="", source_ref="", studio=None, mediators=(),
                  case=None, at=None, need_both_sides=True) -> Dispute:
    """``register_dispute`` inside the caller's transaction (the case consumer's)."""
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写纠纷名称（如：张某与李某宅基地界址纠纷）", field="title")
    if kind not in DisputeKind.values:
        raise ValidationFailed(f"未知的纠纷类型“{kind}”", field="kind")
    if source not in Source.values:
        raise ValidationFailed(f"未知的来源渠道“{source}”", field="source")
    if source in (Source.POLICE, Source.COURT, Source.HOTLINE) and not (source_ref or "").strip():
        raise ValidationFailed("移送、委派或12345转办的纠纷请填写来源单位的编号", field="source_ref")
    region = _region(region)
    rows = _clean_parties(parties, need_both_sides=need_both_sides)
    studio = _studio(studio)
    people = _mediators(actor, mediators)
    now = at or timezone.now()
    level = Level.VILLAGE if region.village_id else Level.TOWN
    d = Dispute(title=title[:120], facts=facts or "", kind=kind, source=source, source_ref=(source_ref or "")[:64],
                case=case, region=region, level=level, studio=studio, registered_at=now, due_at=_due(level, now),
                registered_by=actor.user)
    d.place_in(region)
    if not scope_holds(actor, access.ACTION, d):
        raise NotFound("所选区域不在您的范围内", field="region")
    if case is not None and Dispute.objects.filter(case=case).exists():
        raise Conflict(f"事件{case.number}已登记为纠纷", field="case")
    d.save()
    d.number = f"TJ{timezone.localtime(now):%Y%m%d}{d.pk:05d}"
    Dispute.objects.filter(pk=d.pk).update(number=d.number)
    for r in rows:
        r.dispute = d
    Party.objects.bulk_create(rows)
    DisputeMediator.objects.bulk_create([DisputeMediator(dispute=d, person=p, is_lead=i == 0)
                                         for i, p in enumerate(people)])
    emit("register", dispute=d, actor=actor.user, actor_name=_name(actor), at=now, to_state=d.state,
         data={"source": source, "source_ref": d.source_ref, "case": case.pk if case else None,
               "parties": len(rows), "studio": studio.pk if studio else None, "mediators": [p.pk for p in people]})
    audit.record(actor.user, "mediation.register", d, summary=f"{d.number} 受理纠纷：{title[:60]}",
                 data={"source": source, "level": level})
    return d


def _apply(d: Dispute, **fields) -> None:
    """The conditional update on the dispute's version; the loser of a race is told."""
    n = Dispute.objects.filter(pk=d.pk, version=d.version).update(version=F("version") + 1, **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(d, k, v)
    d.version += 1


def _open(d: Dispute) -> None:
    if d.state not in OPEN_STATES:
        raise Conflict(f"该纠纷已{d.get_state_display()}，不能再办理")


@writer
def assign(actor, dispute: Dispute, *, studio=None, mediators=()) -> Dispute:
    """Assign the dispute to a studio (or the level's committee/centre) and name its mediators."""
    actor = access.require_act(actor, dispute)
    _open(dispute)
    studio = _studio(studio)
    people = _mediators(actor, mediators)
    if not people:
        raise ValidationFailed("请至少指定一位调解员", field="mediators")
    _apply(dispute, studio=studio)
    DisputeMediator.objects.filter(dispute=dispute).delete()
    DisputeMediator.objects.bulk_create([DisputeMediator(dispute=dispute, person=p, is_lead=i == 0)
                                         for i, p in enumerate(people)])
    now = timezone.now()
    emit("assign", dispute=dispute, actor=actor.user, actor_name=_name(actor), at=now,
         note=f"由{access.handler_name(dispute)}调处，调解员：{'、'.join(p.name for p in people)}",
         data={"studio": studio.pk if studio else None, "mediators": [p.pk for p in people]})
    audit.record(actor.user, "mediation.assign", dispute, summary=f"{dispute.number} 指派调解员",
                 data={"studio": studio.pk if studio else None, "mediators": [p.pk for p in people]})
    return dispute


@writer
def record_session(actor, dispute: Dispute, *, held_at: datetime, notes: str, attended=(), place: str = "",
                   mediators: str = "") -> Session:
    """A mediation session with its notes and who attended; the first one starts the mediation."""
    actor = access.require_act(actor, dispute)
    _open(dispute)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed("请填写调解记录", field="notes")
    if held_at is None:
        raise ValidationFailed("请填写调解时间", field="held_at")
    if held_at > timezone.now() + timedelta(hours=1):
        raise ValidationFailed("调解时间不能晚于现在", field="held_at")
    party_ids = set(dispute.parties.values_list("pk", flat=True))
    attended = sorted({int(a) for a in attended or []})
    if not set(attended) <= party_ids:
        raise ValidationFailed("到场当事人不属于本纠纷", field="attended")
    session = Session.objects.create(dispute=dispute, held_at=held_at, place=(place or "")[:120], notes=notes,
                                     attended=attended, mediators=(mediators or _name(actor))[:200],
                                     recorded_by=actor.user)
    before = dispute.state
    _apply(dispute, state=State.MEDIATING)
    emit("session", dispute=dispute, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         from_state=before, to_state=State.MEDIATING, note=notes[:500],
         data={"session": session.pk, "attended": attended, "held_at": held_at.isoformat()})
    audit.record(actor.user, "mediation.session", dispute, summary=f"{dispute.number} 调解记录",
                 data={"session": session.pk})
    return session


def escalate(actor, dispute: Dispute, *, note: str = "", automatic: bool = False) -> Dispute:
    """Pass the dispute up: village → town → city; the new level's time limit starts now."""
    return _escalate(as_actor(actor), dispute, note=note, automatic=automatic)


@writer
def _escalate(actor, dispute, *, note, automatic) -> Dispute:
    if not automatic:
        access.require_act(actor, dispute)
        if not (note or "").strip():
            raise ValidationFailed("请说明上交原因", field="note")
    _open(dispute)
    up = NEXT_LEVEL.get(dispute.level)
    if up is None:
        raise Conflict("纠纷已在市级调处，不能再上交")
    now = timezone.now()
    before_level, before_handler = dispute.level, access.handler_name(dispute)
    dropped = list(DisputeMediator.objects.filter(dispute=dispute).values_list("person_id", flat=True))
    _apply(dispute, level=up, studio=None, due_at=_due(up, now), escalations=dispute.escalations + 1)
    DisputeMediator.objects.filter(dispute=dispute).delete()
    note = note or "本级时限内未化解，自动上交"
    emit("escalate", dispute=dispute, actor=actor.user, actor_name="系统" if automatic else _name(actor), at=now,
         from_state=dispute.state, to_state=dispute.state, level=up, note=note[:500],
         data={"from_level": before_level, "to_level": up, "from": before_handler, "automatic": automatic,
               "mediators_released": dropped})
    audit.record(actor.user, "mediation.escalate", dispute,
                 summary=f"{dispute.number} 上交{Level(up).label}{'（超期自动）' if automatic else ''}",
                 data={"from": before_level, "to": up})
    return dispute


@writer
def record_outcome(actor, dispute: Dispute, *, outcome: str, note: str = "", terms: str = "",
                   performance: str = "") -> Dispute:
    """Close the dispute: an agreement (with its terms: the 人民调解协议书), no agreement, or a referral."""
    actor = access.require_act(actor, dispute)
    _open(dispute)
    if outcome not in Outcome.values:
        raise ValidationFailed(f"未知的调解结果“{outcome}”", field="outcome")
    terms = (terms or "").strip()
    if outcome == Outcome.AGREEMENT and not terms:
        raise ValidationFailed("达成协议的，请填写协议内容", field="terms")
    if outcome != Outcome.AGREEMENT and not (note or "").strip():
        raise ValidationFailed("请说明未达成协议或移交的情况", field="note")
    if outcome == Outcome.AGREEMENT and not dispute.sessions.exists():
        raise Conflict("还没有调解记录：请先记录调解过程，再登记协议")
    now = timezone.now()
    before, state = dispute.state, OUTCOME_STATE[Outcome(outcome)]
    _apply(dispute, state=state, outcome=outcome, outcome_note=(note or "").strip(), agreement_terms=terms,
           agreement_performance=(performance or "").strip()[:200], closed_at=now, closed_level=dispute.level,
           due_at=None)
    emit("outcome", dispute=dispute, actor=actor.user, actor_name=_name(actor), at=now, from_state=before,
         to_state=state, note=(terms or note)[:500], data={"outcome": outcome})
    audit.record(actor.user, "mediation.outcome", dispute,
                 summary=f"{dispute.number} {Outcome(outcome).label}（{Level(dispute.level).label}）",
                 data={"outcome": outcome, "level": dispute.level})
    return dispute


@writer
def record_follow_up(actor, dispute: Dispute, *, visited_on: date, method: str, holds: bool,
                     notes: str = "") -> FollowUp:
    """A follow-up visit (回访) to check that the agreement holds."""
    actor = access.require_act(actor, dispute)
    if dispute.state != State.AGREED:
        raise Conflict("只有达成协议的纠纷需要回访")
    if method not in FollowUpMethod.values:
        raise ValidationFailed(f"未知的回访方式“{method}”", field="method")
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationFailed("回访日期不能晚于今天", field="visited_on")
    if visited_on < timezone.localtime(dispute.closed_at).date():
        raise ValidationFailed("回访日期不能早于达成协议的日期", field="visited_on")
    if not holds and not (notes or "").strip():
        raise ValidationFailed("协议未履行的，请写明情况", field="notes")
    f = FollowUp.objects.create(dispute=dispute, visited_on=visited_on, method=method, holds=bool(holds),
                                notes=(notes or "").strip(), recorded_by=actor.user)
    _apply(dispute)  # a change of the dispute: its version moves (ETag, racing writers)
    emit("follow_up", dispute=dispute, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         note=(notes or "")[:500], data={"follow_up": f.pk, "holds": bool(holds), "method": method,
                                         "visited_on": visited_on.isoformat()})
    audit.record(actor.user, "mediation.follow_up", dispute,
                 summary=f"{dispute.number} 回访：{'履行良好' if holds else '未履行'}", data={"holds": bool(holds)})
    return f


def sweep_overdue(now: datetime | None = None) -> list[Dispute]:
    """Escalate every open dispute whose level's time limit has passed (village → town → city)."""
    now = now or timezone.now()
    moved = []
    overdue = Dispute.objects.filter(state__in=OPEN_STATES, due_at__lt=now, level__in=list(NEXT_LEVEL))
    for d in overdue.select_related("village", "town", "studio").order_by("due_at")[:1000]:
        try:
            moved.append(escalate(None, d, automatic=True))
        except Conflict:  # changed meanwhile: the next sweep looks again
            continue
    return moved
