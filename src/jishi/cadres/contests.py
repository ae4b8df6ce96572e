"""The verbs of 学看比拼 peer reviews: hold an event (a town or village hosts it on a theme), add the
participating villages with their presenting cadre, record each judge's score, and close the event: each
participant's score from its judges (``scores.judged``: with 5 or more judges the highest and the lowest are
dropped, else the mean) and the ranking. Each verb writes its rows, one timeline row per change and one audit
record in one transaction; a closed event takes no more participants or scores."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from jishi.cadres import scores
from jishi.cadres.access import MANAGE
from jishi.cadres.common import day, region, score, text
from jishi.cadres.models import Contest, Contestant, JudgeScore
from jishi.cadres.timeline import actor_name, emit, writer
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Person
from jishi.org.policy import as_actor

CLOSED = "该比拼已排名，不能再修改"


def _require(actor, c: Contest):
    actor = as_actor(actor)
    if not holds(actor, MANAGE, c):
        raise NotFound("比拼活动不存在或不在您的范围内")
    if c.closed:
        raise Conflict(CLOSED)
    return actor


@writer
def hold(actor, *, title: str, held_on, region_id) -> Contest:
    actor = as_actor(actor)
    title = text(title, 80, field="title", label="主题", required=True)
    when = day(held_on, "held_on", "日期")
    r = region(region_id, ("town", "village"), "region", "请选择承办的镇(街道)或村(社区)")
    c = Contest(title=title, held_on=when, region=r, created_by=actor.user)
    c.place_in(r)
    if not holds(actor, MANAGE, c):
        raise NotFound("所选区域不在您的范围内", field="region")
    c.save()
    emit("contest_open", at=timezone.now(), subject=c, contest=c, actor=actor.user, actor_name=actor_name(actor),
         note=f"{when} {r.name}：{title}")
    audit.record(actor.user, "cadres.contest_open", c, summary=f"学看比拼：{title}", data={"region": r.pk})
    return c


@writer
def join(actor, c: Contest, *, village_id, person_id=None) -> Contestant:
    """A village (and its presenting cadre, a person of that village) takes part."""
    actor = _require(actor, c)
    v = region(village_id, ("village",), "village", "请选择参赛的村(社区)")
    if c.town_id and v.town_id != c.town_id:
        raise ValidationFailed("参赛村(社区)须在承办镇(街道)内", field="village")
    person = None
    if person_id not in (None, ""):
        try:
            person = Person.objects.filter(pk=int(person_id)).first()
        except (TypeError, ValueError):
            person = None
        if person is None or person.village_id != v.pk:
            raise ValidationFailed("汇报干部须是该村(社区)的人员", field="person")
    if Contestant.objects.filter(contest=c, village=v).exists():
        raise Conflict(f"{v.name}已参加本次比拼")
    entry = Contestant.objects.create(contest=c, village=v, person=person)
    emit("contest_join", at=timezone.now(), subject=v, person=person, contest=c, actor=actor.user,
         actor_name=actor_name(actor), note=f"{v.name}参加学看比拼“{c.title}”", data={"village": v.pk})
    audit.record(actor.user, "cadres.contest_join", c, summary=f"{v.name}参加 {c.title}", data={"village": v.pk})
    return entry


@writer
def record_score(actor, entry: Contestant, *, judge: str, value) -> JudgeScore:
    """One judge's score of one participant (a judge scoring again replaces their score)."""
    c = Contest.objects.select_for_update().get(pk=entry.contest_id)
    actor = _require(actor, c)
    judge = text(judge, 50, field="judge", label="评委", required=True)
    s = score(value, "score", "分数")
    row, created = JudgeScore.objects.update_or_create(contestant=entry, judge=judge,
                                                       defaults={"score": s, "recorded_by": actor.user})
    emit("contest_score", at=timezone.now(), subject=entry.village, contest=c, actor=actor.user,
         actor_name=actor_name(actor), note=f"{judge} 给 {entry.village.name} 打分 {s}",
         data={"contestant": entry.pk, "judge": judge, "score": str(s), "replaced": not created})
    audit.record(actor.user, "cadres.contest_score", c, summary=f"{judge} 评 {entry.village.name} {s}",
                 data={"contestant": entry.pk, "score": str(s)})
    return row


@writer
def close(actor, c: Contest) -> list[Contestant]:
    """Score and rank every participant; refused while one has no score."""
    actor = _require(actor, c)
    entries = list(Contestant.objects.filter(contest=c).select_related("village", "person"))
    if not entries:
        raise Conflict("还没有参赛村(社区)")
    judged = {e.pk: scores.judged(list(e.scores.values_list("score", flat=True))) for e in entries}
    missing = [e.village.name for e in entries if judged[e.pk] is None]
    if missing:
        raise Conflict(f"{'、'.join(missing[:5])}还没有评委打分")
    n = Contest.objects.filter(pk=c.pk, closed=False, version=c.version).update(closed=True,
                                                                               version=F("version") + 1)
    if n != 1:
        raise Conflict(CLOSED)
    c.closed, c.version = True, c.version + 1
    ranks = scores.contest_ranking((e.pk, judged[e.pk]) for e in entries)
    now = timezone.now()
    for e in entries:
        e.score, e.rank = judged[e.pk], ranks[e.pk]
        Contestant.objects.filter(pk=e.pk).update(score=e.score, rank=e.rank)
        emit("contest_close", at=now, subject=e.village, person=e.person, contest=c, actor=actor.user,
             actor_name=actor_name(actor), note=f"学看比拼“{c.title}”：{e.village.name}得分 {e.score}，第 {e.rank} 名",
             data={"score": str(e.score), "rank": e.rank, "judges": e.scores.count()})
    audit.record(actor.user, "cadres.contest_close", c, summary=f"{c.title} 排名",
                 data={str(e.village_id): e.rank for e in entries})
    return sorted(entries, key=lambda e: e.rank)
