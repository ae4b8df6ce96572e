"""The verbs of the evaluation: keep the yearly scheme (create, new version, edit a draft, publish); assess a
community (start, refresh the computed indicators, self-score with evidence, submit), review it (adjust an
indicator with a reason, pass or return), confirm it (the star).

Each verb checks scope and step (``access``) and its invariant, changes the assessment with a conditional update
on its version (two people at once: one wins, the other is told), writes one timeline row (``timeline.emit``)
and one audit record, in one transaction. Bad input raises ``ValidationFailed`` and changes nothing.
"""

from __future__ import annotations

import hashlib
import math
import uuid

from django.core.files.base import ContentFile
from django.db.models import F, Max
from django.utils import timezone

from jishi.core import audit, indicators
from jishi.core.errors import Conflict, NotFound, ValidationFailed
from jishi.core.scope import holds
from jishi.evaluation import access, framework, rules
from jishi.evaluation.choices import Method, RuleKind, SchemeStatus, State
from jishi.evaluation.models import Assessment, Evidence, Indicator, Scheme, Score
from jishi.evaluation.timeline import emit, writer
from jishi.org.models import Region
from jishi.org.policy import as_actor

STALE = "该评价刚被他人办理过，请刷新页面后再试"
FROZEN = "该版本评价体系已发布，不能再修改；请另建新版本"
EDITABLE = ("name", "points", "rule", "full", "zero", "must_pass", "pass_ratio", "standard", "advice", "source")


def _name(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


# --- the scheme ------------------------------------------------------------------------------------------

def _check_indicator(ind: Indicator) -> None:
    if ind.level != 3:
        return
    if not all(math.isfinite(x) for x in (ind.points, ind.pass_ratio, ind.full or 0, ind.zero or 0)):
        raise ValidationFailed(f"指标{ind.code}的数值不对", field="points")
    if ind.points <= 0 or ind.points > 100:
        raise ValidationFailed(f"指标{ind.code}的分值须在 0 到 100 之间", field="points")
    if not 0 < ind.pass_ratio <= 1:
        raise ValidationFailed(f"指标{ind.code}的否决项达标得分率须在 0 到 1 之间", field="pass_ratio")
    if ind.rule not in RuleKind.values:
        raise ValidationFailed(f"未知的评分规则“{ind.rule}”", field="rule")
    if ind.method == Method.COMPUTED:
        if not ind.source:
            raise ValidationFailed(f"自动计算指标{ind.code}须写明计算来源", field="source")
        if ind.rule == RuleKind.RATE and (ind.full is None or ind.zero is None or not 0 <= ind.zero < ind.full <= 1):
            raise ValidationFailed(f"指标{ind.code}：比率规则须有 0 ≤ 零分线 < 满分线 ≤ 1", field="full")
        if ind.rule == RuleKind.COUNT and (ind.full is None or ind.full <= 0):
            raise ValidationFailed(f"指标{ind.code}：数量规则的满分数量须大于0", field="full")
        if ind.rule == RuleKind.CLAIM:
            raise ValidationFailed(f"自动计算指标{ind.code}须用比率或数量规则", field="rule")


@writer
def create_scheme(actor, *, year: int, name: str, rows: list[dict] | None = None, framework_text: str = "",
                  bands: list[dict] | None = None, must_pass_cap: int = 2) -> Scheme:
    """A draft scheme for ``year`` (version after the year's last), from ``rows`` (default: the 1+3+5+N tree)."""
    actor = access.require_scheme_keeper(actor)
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("年度须在 2000 到 2100 之间", field="year")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写评价体系名称", field="name")
    try:
        bands = rules.check_bands(bands or Scheme._meta.get_field("bands").default())
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="bands") from None
    version = (Scheme.objects.filter(year=year).aggregate(m=Max("version"))["m"] or 0) + 1
    scheme = Scheme.objects.create(year=year, version=version, name=name[:120], bands=bands,
                                   framework=framework_text or (framework.FRAMEWORK if rows is None else ""),
                                   must_pass_cap=must_pass_cap)
    _write_rows(scheme, rows if rows is not None else framework.rows())
    audit.record(actor.user, "evaluation.scheme_create", scheme, summary=f"新建{year}年评价体系 v{version}：{name[:60]}")
    return scheme


def _write_rows(scheme: Scheme, rows: list[dict]) -> None:
    by_code: dict[str, Indicator] = {}
    for i, r in enumerate(rows):
        parent = by_code.get(r["parent"]) if r.get("parent") else None
        if r.get("parent") and parent is None:
            raise ValidationFailed(f"指标{r['code']}的上级{r['parent']}不存在", field="rows")
        level = int(r.get("level") or (parent.level + 1 if parent else 1))
        if level != (parent.level + 1 if parent else 1) or level > 3:
            raise ValidationFailed(f"指标{r['code']}的层级不对（只有三级）", field="rows")
        ind = Indicator(scheme=scheme, parent=parent, level=level, code=str(r["code"])[:20], name=str(r["name"])[:120],
                        points=float(r.get("points") or 0), method=r.get("method") or Method.EVIDENCE,
                        source=r.get("source") or "", rule=r.get("rule") or RuleKind.CLAIM, full=r.get("full"),
                        zero=r.get("zero"), must_pass=bool(r.get("must_pass")), pass_ratio=r.get("pass_ratio") or 0.6,
                        standard=r.get("standard") or "", advice=r.get("advice") or "", sort=r.get("sort") or i)
        _check_indicator(ind)
        if ind.code in by_code:
            raise ValidationFailed(f"指标编号{ind.code}重复", field="rows")
        ind.save()
        by_code[ind.code] = ind


@writer
def new_version(actor, scheme: Scheme, *, year: int | None = None, name: str = "") -> Scheme:
    """A draft copy of ``scheme`` for ``year`` (default: the same year, next version) to edit and publish."""
    actor = access.require_scheme_keeper(actor)
    year = int(year or scheme.year)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度须在 2000 到 2100 之间", field="year")
    version = (Scheme.objects.filter(year=year).aggregate(m=Max("version"))["m"] or 0) + 1
    copy = Scheme.objects.create(year=year, version=version, name=(name or scheme.name)[:120],
                                 framework=scheme.framework, bands=scheme.bands, must_pass_cap=scheme.must_pass_cap,
                                 based_on=scheme)
    inds = list(scheme.indicators.order_by("level", "sort", "id"))
    code_of = {i.pk: i.code for i in inds}
    _write_rows(copy, [{"code": i.code, "name": i.name, "level": i.level, "parent": code_of.get(i.parent_id),
                        "sort": i.sort, "points": i.points, "method": i.method, "source": i.source, "rule": i.rule,
                        "full": i.full, "zero": i.zero, "must_pass": i.must_pass, "pass_ratio": i.pass_ratio,
                        "standard": i.standard, "advice": i.advice} for i in inds])
    audit.record(actor.user, "evaluation.scheme_version", copy,
                 summary=f"{year}年评价体系 v{version}（沿用 {scheme.year} v{scheme.version}）")
    return copy


@writer
def update_indicator(actor, indicator: Indicator, **fields) -> Indicator:
    """Change a level-3 indicator of a draft scheme (points, rule and its marks, must-pass, texts)."""
    actor = access.require_scheme_keeper(actor)
    scheme = indicator.scheme
    if scheme.is_frozen:
        raise Conflict(FROZEN)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"不能修改：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    before = {k: getattr(indicator, k) for k in fields}
    for k, v in fields.items():
        setattr(indicator, k, v.strip() if isinstance(v, str) else v)
    if "source" in fields:
        indicator.method = Method.COMPUTED if indicator.source else Method.EVIDENCE
        if not indicator.source:
            indicator.rule = RuleKind.CLAIM
    _check_indicator(indicator)
    indicator.save()
    audit.record(actor.user, "evaluation.indicator", indicator, summary=f"{scheme} 修改指标 {indicator.code}",
                 data={"before": before, "after": {k: getattr(indicator, k) for k in fields}})
    return indicator


@writer
def set_bands(actor, scheme: Scheme, *, bands: list[dict], must_pass_cap: int) -> Scheme:
    actor = access.require_scheme_keeper(actor)
    if scheme.is_frozen:
        raise Conflict(FROZEN)
    try:
        scheme.bands = rules.check_bands(bands)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="bands") from None
    if not 1 <= int(must_pass_cap) <= 5:
        raise ValidationFailed("否决项未达标时最高星级须在 1 到 5 之间", field="must_pass_cap")
    scheme.must_pass_cap = int(must_pass_cap)
    scheme.save(update_fields=["bands", "must_pass_cap", "updated_at"])
    audit.record(actor.user, "evaluation.bands", scheme, summary=f"{scheme} 修改星级分档", data={"bands": scheme.bands})
    return scheme


@writer
def publish(actor, scheme: Scheme) -> Scheme:
    """Publish (freeze) a draft: the level-3 points sum to 100; from now on the year's assessments use it."""
    actor = access.require_scheme_keeper(actor)
    if scheme.is_frozen:
        raise Conflict("该版本已发布")
    leaves = list(scheme.indicators.filter(level=3))
    if not leaves:
        raise ValidationFailed("评价体系还没有三级指标", field="indicators")
    for ind in leaves:
        _check_indicator(ind)
    total = rules.round1(sum(i.points for i in leaves))
    if abs(total - 100) > 1e-6:
        raise ValidationFailed(f"三级指标分值合计须为100分（现为{total:g}分）", field="points")
    n = Scheme.objects.filter(pk=scheme.pk, status=SchemeStatus.DRAFT).update(
        status=SchemeStatus.PUBLISHED, published_at=timezone.now())
    if n != 1:
        raise Conflict("该版本已发布")
    scheme.refresh_from_db()
    audit.record(actor.user, "evaluation.publish", scheme, summary=f"发布{scheme.year}年评价体系 v{scheme.version}")
    return scheme


def current_scheme(year: int) -> Scheme | None:
    """The year's scheme in force: its newest published version."""
    return Scheme.objects.filter(year=year, status=SchemeStatus.PUBLISHED).order_by("-version").first()


# --- the assessment ----------------------------------------------------------------------------------------

def _apply(a: Assessment, **fields) -> None:
    n = Assessment.objects.filter(pk=a.pk, version=a.version).update(version=F("version") + 1,
                                                                      updated_at=timezone.now(), **fields)
    if n != 1:
        raise Conflict(STALE)
    for k, v in fields.items():
        setattr(a, k, v)
    a.version += 1


def _state(a: Assessment, *states: str) -> None:
    if a.state not in states:
        raise Conflict(f"该评价{a.get_state_display()}，不能办理这一步")


def period_of(scheme: Scheme):
    """The year the scheme evaluates, up to today while it runs."""
    from datetime import date

    first, last = date(scheme.year, 1, 1), date(scheme.year, 12, 31)
    return first, min(last, max(first, timezone.localdate()))


def computable(ind: Indicator) -> bool:
    """A computed indicator whose source some app has registered (else: evidence needed)."""
    return ind.method == Method.COMPUTED and indicators.source(ind.source) is not None


FILLED = ["computed", "measured", "numerator", "denominator", "basis", "url", "self_points"]


def _fill(a: Assessment, leaves: list[Indicator], scores: dict[int, Score]) -> list[Score]:
    """Compute every registered computed indicator of ``a`` into its score row (not saved); the rows filled."""
    region = a.village
    first, last = period_of(a.scheme)
    filled = []
    for ind in leaves:
        s = scores[ind.pk]
        if not computable(ind):
            s.computed = False
            continue
        c = indicators.compute(ind.source, region, first, last)
        s.computed = True
        s.measured, s.numerator, s.denominator = c.value, c.numerator, c.denominator
        s.basis, s.url = c.basis[:200], c.url[:300]
        s.self_points = rules.auto_points(ind.rule, ind.points, c.value, full=ind.full, zero=ind.zero)
        if s.self_points is None:
            s.self_points = 0.0  # nothing to measure in the period: no points (the town may adjust with a reason)
        filled.append(s)
    return filled


def _leaves(scheme: Scheme) -> list[Indicator]:
    return list(scheme.indicators.filter(level=3).order_by("sort", "id"))


@writer
def start_assessment(actor, village: Region, *, scheme: Scheme | None = None) -> Assessment:
    """Open the community's self-assessment under the year's scheme, its computed indicators filled in."""
    actor = as_actor(actor)
    if village is None or village.level != "village":
        raise ValidationFailed("请选择一个村(社区)", field="village")
    if not holds(actor, access.ACTION, village):
        raise NotFound("该村(社区)不在您的范围内", field="village")
    if access.level(actor) != "village" and not actor.is_system:
        raise ValidationFailed("自评由村(社区)发起", field="village")
    scheme = scheme or current_scheme(timezone.localdate().year)
    if scheme is None or not scheme.is_frozen:
        raise ValidationFailed("本年度评价体系尚未发布", field="scheme")
    if Assessment.objects.filter(scheme=scheme, village=village).exists():
        raise Conflict(f"{village.name}已开始{scheme.year}年度自评")
    a = Assessment(scheme=scheme)
    a.place_in(village)
    a.save()
    leaves = _leaves(scheme)
    scores = {i.pk: Score(assessment=a, indicator=i) for i in leaves}
    n = len(_fill(a, leaves, scores))
    Score.objects.bulk_create(list(scores.values()))
    now = timezone.now()
    Assessment.objects.filter(pk=a.pk).update(computed_at=now)
    a.computed_at = now
    emit("start", assessment=a, actor=actor.user, actor_name=_name(actor), at=now, to_state=a.state,
         data={"scheme": scheme.pk, "computed": n})
    audit.record(actor.user, "evaluation.start", a, summary=f"{village.name} 开始{scheme.year}年度自评")
    return a


@writer
def refresh(actor, a: Assessment) -> Assessment:
    """Recompute the computed indicators from today's records (while the community self-assesses)."""
    actor = access.require_step(actor, a, "village")
    _state(a, State.DRAFT)
    scores = {s.indicator_id: s for s in a.scores.all()}
    filled = _fill(a, _leaves(a.scheme), scores)
    for s in filled:
        s.save(update_fields=FILLED)
    n = len(filled)
    _apply(a, computed_at=timezone.now())
    emit("refresh", assessment=a, actor=actor.user, actor_name=_name(actor), at=timezone.now(), data={"computed": n})
    audit.record(actor.user, "evaluation.refresh", a, summary=f"{a.village.name} 更新自动计算指标 {n} 项")
    return a


def _score(a: Assessment, indicator) -> Score:
    s = a.scores.select_related("indicator").filter(indicator_id=getattr(indicator, "pk", indicator)).first()
    if s is None:
        raise NotFound("该指标不在本次评价中", field="indicator")
    return s


def _points(value, ind: Indicator, field: str) -> float:
    try:
        return rules.clamp_claim(ind.points, float(value))
    except (TypeError, ValueError):
        raise ValidationFailed(f"指标{ind.code}的得分须在 0 到 {ind.points:g} 分之间", field=field) from None


@writer
def self_score(actor, a: Assessment, indicator, *, points, note: str = "") -> Score:
    """The community scores an evidence indicator (0..its points); a score above 0 needs evidence."""
    actor = access.require_step(actor, a, "village")
    _state(a, State.DRAFT)
    s = _score(a, indicator)
    ind = s.indicator
    if s.computed:
        raise Conflict(f"指标{ind.code}由系统根据业务数据自动计算，不需自评")
    pts = _points(points, ind, "points")
    if pts > 0 and not a.evidence.filter(indicator=ind).exists():
        raise ValidationFailed(f"指标{ind.code}自评得分须上传佐证材料", field="points")
    s.self_points, s.self_note = pts, (note or "").strip()[:2000]
    s.save(update_fields=["self_points", "self_note"])
    _apply(a)
    emit("self_score", assessment=a, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         note=s.self_note[:500], data={"indicator": ind.code, "points": pts})
    audit.record(actor.user, "evaluation.self_score", a, summary=f"{a.village.name} 自评 {ind.code} {pts:g}分")
    return s


@writer
def add_evidence(actor, a: Assessment, indicator, upload) -> Evidence:
    """Attach a checked file (``cases.files.Upload``: JPEG/PNG/WebP/PDF) to an indicator of the self-assessment."""
    actor = access.require_step(actor, a, "village")
    _state(a, State.DRAFT)
    s = _score(a, indicator)
    e = Evidence(assessment=a, indicator=s.indicator, name=upload.name[:120], content_type=upload.content_type,
                 size=len(upload.content), sha256=hashlib.sha256(upload.content).hexdigest(),
                 uploaded_by=actor.user if getattr(actor.user, "is_authenticated", False) else None)
    e.file.save(f"{a.pk}-{s.indicator.code}-{uuid.uuid4().hex[:8]}.{upload.ext}", ContentFile(upload.content),
                save=False)
    e.save()
    _apply(a)
    emit("evidence", assessment=a, actor=actor.user, actor_name=_name(actor), at=timezone.now(),
         note=e.name, data={"indicator": s.indicator.code, "evidence": e.pk})
    audit.record(actor.user, "evaluation.evidence", a, summary=f"{a.village.name} 上传 {s.indicator.code} 佐证：{e.name[:60]}")
    return e


def lines(a: Assessment, *, stage: str = "final") -> list[rules.Line]:
    """The level-3 lines of ``a`` as the star needs them: ``self`` points or the ``final`` (town's if adjusted)."""
    out = []
    for s in a.scores.select_related("indicator"):
        ind = s.indicator
        pts = s.self_points if stage == "self" else s.points
        out.append(rules.Line(ind.code, ind.points, pts, ind.must_pass, ind.pass_ratio))
    return out


@writer
def submit(actor, a: Assessment, *, note: str = "") -> Assessment:
    """The community submits its self-assessment to the town: every evidence indicator scored."""
    actor = access.require_step(actor, a, "village")
    _state(a, State.DRAFT)
    missing = list(a.scores.filter(computed=False, self_points__isnull=True)
                   .values_list("indicator__code", flat=True).order_by("indicator__sort"))
    if missing:
        raise ValidationFailed(f"还有{len(missing)}项指标未自评：{'、'.join(missing[:8])}", field="scores")
    total = rules.total(lines(a, stage="self"))
    now = timezone.now()
    _apply(a, state=State.SUBMITTED, self_total=total, submitted_at=now)
    emit("submit", assessment=a, actor=actor.user, actor_name=_name(actor), at=now, from_state=State.DRAFT,
         to_state=State.SUBMITTED, note=(note or "")[:500], data={"self_total": total})
    audit.record(actor.user, "evaluation.submit", a, summary=f"{a.village.name} 提交自评 {total:g}分")
    return a


@writer
def adjust(actor, a: Assessment, indicator, *, points, reason: str) -> Score:
    """The town sets an indicator's points after checking the evidence or records, with its reason."""
    actor = access.require_step(actor, a, "town")
    _state(a, State.SUBMITTED)
    s = _score(a, indicator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("调整分数须说明理由", field="reason")
    if len(reason) > 300:
        raise ValidationFailed("调整理由不能超过300字", field="reason")
    pts = _points(points, s.indicator, "points")
    before = s.points
    s.town_points, s.town_reason = pts, reason
    s.save(update_fields=["town_points", "town_reason"])
    _apply(a)
    emit("adjust", assessment=a, actor=actor.user, actor_name=_name(actor), at=timezone.now(), note=reason,
         data={"indicator": s.indicator.code, "name": s.indicator.name, "from": before, "to": pts})
    audit.record(actor.user, "evaluation.adjust", a,
                 summary=f"{a.village.name} {s.indicator.code} {before if before is not None else '—'}→{pts:g}分：{reason[:60]}",
                 data={"indicator": s.indicator.code, "from": before, "to": pts})
    return s


@writer
def review(actor, a: Assessment, *, note: str = "") -> Assessment:
    """The town passes the assessment to the city with its (adjusted) total."""
    actor = access.require_step(actor, a, "town")
    _state(a, State.SUBMITTED)
    total = rules.total(lines(a))
    now = timezone.now()
    _apply(a, state=State.REVIEWED, town_total=total, reviewed_at=now)
    emit("review", assessment=a, actor=actor.user, actor_name=_name(actor), at=now, from_state=State.SUBMITTED,
         to_state=State.REVIEWED, note=(note or "")[:500], data={"town_total": total})
    audit.record(actor.user, "evaluation.review", a, summary=f"{a.village.name} 镇街审核 {total:g}分")
    return a


@writer
def send_back(actor, a: Assessment, *, reason: str) -> Assessment:
    """Return one step: the town to the community (submitted → draft), the city to the town (reviewed →
    submitted), with the reason."""
    actor = as_actor(actor)
    step = "town" if a.state == State.SUBMITTED else "city" if a.state == State.REVIEWED else None
    if step is None:
        raise Conflict(f"该评价{a.get_state_display()}，不能退回")
    actor = access.require_step(actor, a, step)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回须说明理由", field="reason")
    to = State.DRAFT if step == "town" else State.SUBMITTED
    before = a.state
    _apply(a, state=to)
    emit("return", assessment=a, actor=actor.user, actor_name=_name(actor), at=timezone.now(), from_state=before,
         to_state=to, note=reason[:500], data={"by": step})
    audit.record(actor.user, "evaluation.return", a, summary=f"{a.village.name} 退回：{reason[:60]}")
    return a


@writer
def confirm(actor, a: Assessment, *, note: str = "") -> Assessment:
    """The city confirms: the final total, the must-pass items and the star (published on the community's page,
    the city comparison and the cockpit)."""
    actor = access.require_step(actor, a, "city")
    _state(a, State.REVIEWED)
    ls = lines(a)
    total = rules.total(ls)
    failed = rules.failed_must_pass(ls)
    star = rules.star(total, a.scheme.bands, failed=failed, cap=a.scheme.must_pass_cap)
    now = timezone.now()
    _apply(a, state=State.CONFIRMED, total=total, star=star, failed_must_pass=failed, confirmed_at=now)
    emit("confirm", assessment=a, actor=actor.user, actor_name=_name(actor), at=now, from_state=State.REVIEWED,
         to_state=State.CONFIRMED, note=(note or "")[:500], data={"total": total, "star": star, "failed": failed})
    audit.record(actor.user, "evaluation.confirm", a, summary=f"{a.village.name} 市级确认 {total:g}分 {star}星",
                 data={"total": total, "star": star, "failed": failed})
    return a
