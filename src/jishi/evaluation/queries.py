"""The read side of the evaluation: an assessment as its indicator tree, the city-wide comparison, each
community's improvement list, its stars over the years, the cockpit's tile. Figures are read from the
assessment's score rows (what was assessed, reviewed and confirmed), so they equal a recomputation by
construction; the list pages take a fixed number of statements whatever the number of communities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from jishi.core import indicators
from jishi.evaluation import rules
from jishi.evaluation.choices import Method, RuleKind, State
from jishi.evaluation.models import Assessment, Evidence, Indicator, Scheme, Score
from jishi.org.models import Region


@dataclass
class Node:
    indicator: Indicator
    score: Score | None = None
    evidence: list = field(default_factory=list)
    children: list = field(default_factory=list)
    max_points: float = 0.0
    self_points: float = 0.0
    points: float = 0.0

    @property
    def registered(self) -> bool:
        ind = self.indicator
        return ind.method == Method.COMPUTED and indicators.source(ind.source) is not None

    @property
    def pending_source(self) -> bool:
        """A computed indicator no app computes yet: evidence needed (需上传佐证)."""
        return self.indicator.method == Method.COMPUTED and not self.registered

    @property
    def adjusted(self) -> bool:
        return self.score is not None and self.score.town_points is not None


def tree(scheme: Scheme, assessment: Assessment | None = None) -> list[Node]:
    """The scheme's indicator tree (three statements), with the assessment's scores and evidence on the
    level-3 nodes and the sums on the nodes above."""
    inds = list(scheme.indicators.order_by("sort", "id"))
    scores = {s.indicator_id: s for s in Score.objects.filter(assessment=assessment)} if assessment else {}
    files: dict[int, list] = defaultdict(list)
    if assessment:
        for e in Evidence.objects.filter(assessment=assessment).order_by("id"):
            files[e.indicator_id].append(e)
    nodes = {i.pk: Node(i, scores.get(i.pk), files.get(i.pk, [])) for i in inds}
    roots = []
    for i in inds:
        n = nodes[i.pk]
        (nodes[i.parent_id].children if i.parent_id else roots).append(n)

    def sums(n: Node) -> None:
        if n.indicator.level == 3:
            n.max_points = n.indicator.points
            n.self_points = (n.score.self_points or 0.0) if n.score else 0.0
            n.points = (n.score.points or 0.0) if n.score else 0.0
            return
        for c in n.children:
            sums(c)
        n.max_points = rules.round1(sum(c.max_points for c in n.children))
        n.self_points = rules.round1(sum(c.self_points for c in n.children))
        n.points = rules.round1(sum(c.points for c in n.children))

    for r in roots:
        sums(r)
    return roots


def flatten(roots: list[Node]) -> list[Node]:
    out = []

    def walk(n):
        out.append(n)
        for c in n.children:
            walk(c)

    for r in roots:
        walk(r)
    return out


def improvements(assessment: Assessment, n: int = 5) -> list[dict]:
    """The community's weakest indicators (most points lost), each with what would raise it: for a computed
    rate, how many more records reach the full mark; else the scheme's advice."""
    rows = []
    for s in assessment.scores.select_related("indicator"):
        ind = s.indicator
        got = s.points or 0.0
        lost = rules.round1(ind.points - got)
        if lost <= 0:
            continue
        how = ind.advice
        if s.computed and ind.rule in (RuleKind.RATE, RuleKind.COUNT):
            need = rules.needed_for_full(ind.rule, s.measured, s.numerator, s.denominator, full=ind.full)
            target = f"{ind.full * 100:g}%" if ind.rule == RuleKind.RATE else f"{ind.full:g}"
            if s.measured is None:
                lead = f"期内没有可计算的记录（{s.basis}），有记录且达到{target}可得满分"
            else:
                now = f"{s.measured * 100:.1f}%" if ind.rule == RuleKind.RATE else f"{s.measured:g}"
                lead = f"现为{now}（{s.numerator}/{s.denominator}），达到{target}可得满分"
                if need:
                    lead += f"，还差{need}"
            how = f"{lead}。{ind.advice}"
        if s.town_reason:
            how = f"镇街核定：{s.town_reason}。{how}"
        elif s.computed is False and not assessment.evidence.filter(indicator=ind).exists():
            how = f"尚无佐证材料。{ind.advice}"
        rows.append({"code": ind.code, "name": ind.name, "max": ind.points, "points": got, "lost": lost,
                     "share": lost / ind.points if ind.points else 0, "must_pass": ind.must_pass, "how": how,
                     "url": s.url})
    rows.sort(key=lambda r: (-r["must_pass"] * (r["points"] < 0.6 * r["max"]), -r["lost"], r["code"]))
    return rows[:n]


def years() -> list[int]:
    return list(Scheme.objects.filter(status="published").values_list("year", flat=True).distinct().order_by("-year"))


def comparison(visible_assessments, villages, scheme: Scheme) -> dict:
    """Every community in ``villages`` (the viewer's) under ``scheme``: state, totals, star; ranked by the
    confirmed total, then the reviewed, then the self-assessed. Two statements."""
    rows = {a.village_id: a for a in visible_assessments.filter(scheme=scheme)}
    out = []
    for v in villages:
        a = rows.get(v.pk)
        best = None if a is None else (a.total if a.total is not None else a.town_total
                                       if a.town_total is not None else a.self_total)
        out.append({"village": v, "assessment": a, "state": a.get_state_display() if a else "未开始",
                    "state_code": a.state if a else "", "self_total": a.self_total if a else None,
                    "town_total": a.town_total if a else None, "total": a.total if a else None,
                    "star": a.star if a and a.state == State.CONFIRMED else None, "sort": best})
    out.sort(key=lambda r: (r["star"] is None, -(r["total"] or 0), -(r["sort"] or 0), r["village"].code))
    rank = 0
    for r in out:
        if r["star"] is not None:
            rank += 1
            r["rank"] = rank
    stars = Counter(r["star"] for r in out if r["star"])
    return {"rows": out, "stars": [{"star": s, "n": stars.get(s, 0)} for s in (5, 4, 3, 2, 1)],
            "confirmed": sum(stars.values()), "total": len(out),
            "states": Counter(r["state_code"] or "none" for r in out)}


def stars_of(village: Region) -> list[Assessment]:
    """The community's assessments, newest year first."""
    return list(Assessment.objects.filter(village=village).select_related("scheme").order_by("-scheme__year"))


def tile(region: Region) -> dict | None:
    """The cockpit's tile: of the latest year with a confirmed assessment in ``region``, communities per star
    and the mean star. One or two statements."""
    where = Q() if region.level == "city" else Q(**{f"{region.level}_id": region.pk})
    confirmed = Assessment.objects.filter(where, state=State.CONFIRMED)
    year = confirmed.order_by("-scheme__year").values_list("scheme__year", flat=True).first()
    if year is None:
        return None
    rows = dict(confirmed.filter(scheme__year=year).values_list("star").annotate(n=Count("id")).values_list("star", "n"))
    n = sum(rows.values())
    mean = sum(s * k for s, k in rows.items()) / n if n else None
    one = None
    if region.level == "village":
        one = confirmed.filter(scheme__year=year).first()
    return {"year": year, "n": n, "stars": [{"star": s, "n": rows.get(s, 0)} for s in (5, 4, 3, 2, 1)],
            "five": rows.get(5, 0), "mean": None if mean is None else round(mean, 1), "one": one}
