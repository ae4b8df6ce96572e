"""The verbs of the blueprint: create a project, set its children's weights, report progress, add and complete
time nodes, supervise overdue time nodes (the periodic sweep), reply to supervision.

Each verb checks scope (``access``) and its invariant, changes the project with a conditional update on its
version (two people at once: one wins, the other is told), re-computes the parents' progress (the weighted sum
of their children's, ``rollup``), writes one timeline row and one audit record, in one transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils import timezone

from jishi.blueprint import access, rollup
from jishi.blueprint.choices import FLAG_RANK, RED_AFTER_DAYS, Flag, ProjectKind, ProjectLevel, ProjectStatus
from jishi.blueprint.models import Blueprint, Milestone, Project, Supervision
from jishi.blueprint.timeline import actor_name, emit, writer
from jishi.core import audit
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.org.models import Department, Region
from jishi.org.policy import as_actor, system_actor

STALE = "该项目刚被他人更新过，请刷新页面后再试"
HUNDRED = Decimal(100)


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为数字", field=field) from None
    if not d.is_finite() or d < 0 or d > HUNDRED:
        raise ValidationFailed(f"{label}须在 0 到 100 之间", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多保留两位小数", field=field)
    return d.quantize(Decimal("0.01"))


def _apply(p: Project, **fields) -> None:
    n = Project.objects.filter(pk=p.pk, version=p.version).update(version=F("version") + 1, **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(p, k, v)
    p.version += 1


def blueprint_of(year: int, title: str | None = None) -> Blueprint:
    bp, _ = Blueprint.objects.get_or_create(year=year, defaults={"title": title or f"{year}年度书记项目一张蓝图"})
    return bp


LEVEL_OF_REGION = {"city": ProjectLevel.CITY, "town": ProjectLevel.TOWN, "village": ProjectLevel.VILLAGE}
LEVEL_ORDER = [ProjectLevel.CITY, ProjectLevel.TOWN, ProjectLevel.VILLAGE]


@writer
def create_project(actor, blueprint: Blueprint, *, title: str, region, owner_name: str, secretary: str,
                   starts_on: date, ends_on: date, parent: Project | None = None, weight=100, targets: str = "",
                   responsible: str = "", owner_department=None, kind: str = ProjectKind.SECRETARY,
                   code: str = "") -> Project:
    """A project at the level of its region (市/镇/村); under a parent its weight among the siblings, whose sum
    may not pass 100% (the parent's progress counts once the weights add up to exactly 100%)."""
    actor = as_actor(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写项目名称", field="title")
    if kind not in ProjectKind.values:
        raise ValidationFailed(f"未知的项目类型“{kind}”", field="kind")
    r = region if isinstance(region, Region) else Region.objects.filter(pk=region).first() if region else None
    if r is None or r.level not in LEVEL_OF_REGION:
        raise ValidationFailed("请选择项目所在的市、镇(街道)或村(社区)", field="region")
    if not (owner_name or "").strip():
        raise ValidationFailed("请填写责任单位", field="owner_name")
    if not (secretary or "").strip():
        raise ValidationFailed("请填写领办书记", field="secretary")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationFailed("完成时限不能早于开始日期", field="ends_on")
    if starts_on.year != blueprint.year and ends_on.year != blueprint.year:
        raise ValidationFailed(f"项目须在{blueprint.year}年度内实施", field="starts_on")
    dep = None
    if owner_department not in (None, ""):
        dep = owner_department if isinstance(owner_department, Department) else \
            Department.objects.filter(pk=owner_department).first()
        if dep is None:
            raise ValidationFailed("认领部门不存在", field="owner_department")
    level = LEVEL_OF_REGION[r.level]
    w = _decimal(weight, "weight", "权重")
    if parent is not None:
        if parent.blueprint_id != blueprint.pk:
            raise ValidationFailed("上级项目不属于本年度蓝图", field="parent")
        if LEVEL_ORDER.index(level) < LEVEL_ORDER.index(parent.level):
            raise ValidationFailed("子项目的层级不能高于上级项目", field="region")
        taken = sum((c for c in parent.children.values_list("weight", flat=True)), Decimal(0))
        if taken + w > HUNDRED:
            raise ValidationFailed(f"同级子项目权重已占 {taken}%，本项目最多 {HUNDRED - taken}%", field="weight")
    p = Project(blueprint=blueprint, parent=parent, title=title[:120], kind=kind, level=level, region=r,
                owner_name=owner_name.strip()[:100], owner_department=dep, secretary=secretary.strip()[:50],
                responsible=(responsible or "").strip()[:100], targets=(targets or "").strip(), starts_on=starts_on,
                ends_on=ends_on, weight=w if parent is not None else HUNDRED, code=code or None)
    p.place_in(r)
    if not holds(actor, "manage", p):
        raise NotFound("所选区域不在您的范围内", field="region")
    if parent is not None and not holds(actor, "manage", parent):
        raise NotFound("上级项目不存在或不在您的范围内", field="parent")
    p.save()
    if not code:
        p.code = f"SJ{blueprint.year}-{p.pk:05d}"
        Project.objects.filter(pk=p.pk).update(code=p.code)
    now = timezone.now()
    emit("create", project=p, actor=actor.user, actor_name=actor_name(actor), at=now, note=title[:200],
         data={"parent": parent.pk if parent else None, "weight": str(p.weight), "level": level})
    audit.record(actor.user, "blueprint.create", p, summary=f"{p.code} 立项：{title[:60]}",
                 data={"level": level, "region": r.pk})
    if parent is not None:
        _recompute_up(parent)
    return p


@writer
def set_weights(actor, parent: Project, weights: dict) -> Project:
    """Set the weights of every child of ``parent``; refused unless they add up to exactly 100%."""
    actor = access.require(actor, parent, plan=True)
    kids = {c.pk: c for c in parent.children.all()}
    if not kids:
        raise Conflict("该项目没有子项目")
    given = {int(k): v for k, v in (weights or {}).items()}
    if set(given) != set(kids):
        raise ValidationFailed("请为每个子项目填写权重", field="weights")
    clean = {pk: _decimal(v, "weights", f"“{kids[pk].title}”的权重") for pk, v in given.items()}
    try:
        rollup.check_weights(clean.values())
    except rollup.WeightsDontAddUp as exc:
        raise ValidationFailed(str(exc), field="weights") from None
    for pk, w in clean.items():
        Project.objects.filter(pk=pk).update(weight=w, version=F("version") + 1)
    _apply(parent)
    now = timezone.now()
    emit("weights", project=parent, actor=actor.user, actor_name=actor_name(actor), at=now,
         data={"weights": {str(k): str(v) for k, v in clean.items()}})
    audit.record(actor.user, "blueprint.weights", parent, summary=f"{parent.code} 调整子项目权重",
                 data={str(k): str(v) for k, v in clean.items()})
    _recompute_up(parent, force=True)
    parent.refresh_from_db()
    return parent


def _recompute_up(project: Project, *, force: bool = False) -> None:
    """Re-compute ``project`` from its children, then its ancestors (a few levels): progress = Σ weight ×
    progress / 100 when the children's weights add up to 100%; else the parent is marked incomplete."""
    node = project
    while node is not None:
        rows = list(Project.objects.filter(parent=node).values_list("weight", "progress", "status"))
        if not rows:
            break
        try:
            value = rollup.stored(rollup.weighted((w, p) for w, p, _s in rows))
            ok = True
        except rollup.WeightsDontAddUp:
            value, ok = node.progress, False
        status = (ProjectStatus.DONE if all(s == ProjectStatus.DONE for *_x, s in rows) and ok
                  else ProjectStatus.ACTIVE if value > 0 or any(s != ProjectStatus.PLANNED for *_x, s in rows)
                  else ProjectStatus.PLANNED)
        Project.objects.filter(pk=node.pk).update(progress=value, weights_ok=ok, status=status,
                                                  version=F("version") + 1)
        node = Project.objects.filter(pk=node.parent_id).first() if node.parent_id else None


@writer
def report_progress(actor, project: Project, *, progress, note: str = "") -> Project:
    """The owner reports a leaf project's progress (a parent's is the weighted sum of its children's)."""
    actor = access.require(actor, project)
    if project.children.exists():
        raise Conflict("该项目的进度由子项目按权重汇总，请报告子项目的进度")
    value = _decimal(progress, "progress", "进度")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请说明本次进展情况", field="note")
    if value == HUNDRED and project.milestones.filter(done_on=None).exists():
        raise Conflict("还有未完成的时间节点，不能报告完成")
    before = project.progress
    status = ProjectStatus.DONE if value == HUNDRED else ProjectStatus.ACTIVE if value > 0 else ProjectStatus.PLANNED
    _apply(project, progress=value, status=status)
    emit("progress", project=project, actor=actor.user, actor_name=actor_name(actor), at=timezone.now(),
         note=note[:500], data={"from": str(before), "to": str(value)})
    audit.record(actor.user, "blueprint.progress", project, summary=f"{project.code} 进度 {before}% → {value}%")
    if project.parent_id:
        _recompute_up(project.parent)
    return project


@writer
def add_milestone(actor, project: Project, *, title: str, due_on: date, responsible: str = "") -> Milestone:
    actor = access.require(actor, project, plan=True)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写节点内容", field="title")
    if due_on is None:
        raise ValidationFailed("请填写节点时限", field="due_on")
    if not (project.starts_on <= due_on <= project.ends_on):
        raise ValidationFailed(f"节点时限须在项目周期内（{project.starts_on} 至 {project.ends_on}）", field="due_on")
    m = Milestone.objects.create(project=project, title=title[:120], due_on=due_on,
                                 responsible=(responsible or "").strip()[:50])
    _apply(project)
    emit("milestone_add", project=project, actor=actor.user, actor_name=actor_name(actor), at=timezone.now(),
         note=title[:200], data={"milestone": m.pk, "due_on": due_on.isoformat()})
    audit.record(actor.user, "blueprint.milestone_add", project, summary=f"{project.code} 新增节点：{title[:60]}")
    return m


@writer
def complete_milestone(actor, milestone: Milestone, *, done_on: date | None = None, note: str = "") -> Milestone:
    """A time node done: its open supervision is closed (销号) and the project's colour re-computed."""
    project = Project.objects.get(pk=milestone.project_id)  # fresh: the sweep may have moved its version
    actor = access.require(actor, project)
    if milestone.done_on is not None:
        raise Conflict("该节点已完成")
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationFailed("完成日期不能晚于今天", field="done_on")
    if not Milestone.objects.filter(pk=milestone.pk, done_on=None).update(done_on=done_on):
        raise Conflict(STALE)
    milestone.done_on = done_on
    now = timezone.now()
    closed = Supervision.objects.filter(milestone=milestone, closed_at=None).update(closed_at=now)
    _apply(project, flag=_flag_of(project))
    emit("milestone_done", project=project, actor=actor.user, actor_name=actor_name(actor), at=now,
         note=(note or milestone.title)[:500],
         data={"milestone": milestone.pk, "done_on": done_on.isoformat(), "late": done_on > milestone.due_on,
               "supervisions_closed": closed})
    audit.record(actor.user, "blueprint.milestone_done", project,
                 summary=f"{project.code} 完成节点：{milestone.title[:60]}")
    return milestone


def _flag_of(project: Project) -> str:
    flags = set(Supervision.objects.filter(project=project, closed_at=None).values_list("flag", flat=True))
    return Flag.RED if Flag.RED in flags else Flag.YELLOW if Flag.YELLOW in flags else Flag.NONE


def wanted_flag(days_overdue: int) -> str:
    if days_overdue <= 0:
        return Flag.NONE
    return Flag.RED if days_overdue > RED_AFTER_DAYS else Flag.YELLOW


def sweep_overdue(today: date | None = None, limit: int = 5000) -> list[Supervision]:
    """Supervise every open time node past its date: yellow when overdue, red after ``RED_AFTER_DAYS`` days;
    each level once per node (a re-run raises nothing new). Returns the supervisions raised."""
    today = today or timezone.localdate()
    raised = []
    rows = (Milestone.objects.filter(done_on=None, due_on__lt=today).exclude(project__status=ProjectStatus.DONE)
            .select_related("project").order_by("due_on", "pk"))
    for m in rows[:limit]:
        want = wanted_flag((today - m.due_on).days)
        if FLAG_RANK[want] <= FLAG_RANK[m.flag]:
            continue
        s = _supervise(m, want, today)
        if s is not None:
            raised.append(s)
    return raised


@writer
def _supervise(m: Milestone, flag: str, today: date) -> Supervision | None:
    if not Milestone.objects.filter(pk=m.pk, flag=m.flag, done_on=None).update(flag=flag):
        return None  # changed meanwhile: the next sweep looks again
    days = (today - m.due_on).days
    now = timezone.now()
    s = Supervision.objects.create(project=m.project, milestone=m, flag=flag, raised_at=now, days_overdue=days)
    Supervision.objects.filter(milestone=m, closed_at=None).exclude(pk=s.pk).update(closed_at=now)  # yellow → red
    Project.objects.filter(pk=m.project_id).update(flag=flag if FLAG_RANK[flag] >= FLAG_RANK[m.project.flag]
                                                   else m.project.flag, version=F("version") + 1)
    p = m.project
    emit("supervise", project=p, actor=None, actor_name="系统", at=now,
         note=f"节点“{m.title}”已超期 {days} 天（时限 {m.due_on}）",
         data={"supervision": s.pk, "milestone": m.pk, "flag": flag, "days": days})
    audit.record(system_actor().user, "blueprint.supervise", p,
                 summary=f"{p.code} {Flag(flag).label}：节点“{m.title[:40]}”超期 {days} 天",
                 data={"milestone": m.pk, "flag": flag})
    return s


@writer
def reply_supervision(actor, supervision: Supervision, *, reply: str) -> Supervision:
    """The owner's reply to a supervision notice (整改说明): what was done, when the node will be done."""
    project = Project.objects.get(pk=supervision.project_id)
    actor = access.require(actor, project)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed("请填写督办回复（原因、整改措施和完成时间）", field="reply")
    if supervision.replied_at is not None:
        raise Conflict("该督办单已回复")
    now = timezone.now()
    if not Supervision.objects.filter(pk=supervision.pk, replied_at=None).update(
            reply=reply, replied_at=now, replied_by=actor.user):
        raise Conflict("该督办单已回复")
    supervision.reply, supervision.replied_at, supervision.replied_by = reply, now, actor.user
    _apply(project)
    emit("reply", project=project, actor=actor.user, actor_name=actor_name(actor), at=now, note=reply[:500],
         data={"supervision": supervision.pk, "flag": supervision.flag})
    audit.record(actor.user, "blueprint.reply", project, summary=f"{project.code} 回复{supervision.get_flag_display()}")
    return supervision
