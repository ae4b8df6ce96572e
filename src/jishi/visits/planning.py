"""Planning verbs: create a round (and share its households among visitors by rule), reassign households.

Rules (``choices.Rule``), per micro-grid, households in code order (neighbours stay together: each visitor
gets a contiguous run of the micro-grid's households):

- ``microgrid``: the micro-grid's liaison and volunteers; without any, the grid worker, then the grid leader;
- ``party`` (党员联户): the micro-grid's party members among its liaison and volunteers; without any, as
  ``microgrid``;
- ``grid``: the grid's full-time grid worker(s); without any, the grid leader, then the micro-grid staff.

联群 (department cadres paired with groups of households) is not in the org model: such households are given
to a department cadre by hand (``reassign``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.core.scope import holds
from jishi.org.choices import Level, Role
from jishi.org.demo.bulk import insert_rows
from jishi.org.models import Household, Person, Region, StaffAssignment
from jishi.org.policy import VISITOR_ROLES, as_actor, may_plan_visits
from jishi.visits.choices import Rule, Target
from jishi.visits.models import CareMembership, VisitAssignment, VisitRound
from jishi.visits.timeline import emit, writer

ASSIGNMENT_FIELDS = ["round", "household", "visitor", "basis", "residents", "visits", "town", "village", "grid",
                     "microgrid"]


def _region_filter(region: Region) -> dict:
    return {} if region.level == Level.CITY else {f"{region.level}_id": region.pk}


@writer
def create_round(actor, *, name: str, region: Region, starts_on: date, ends_on: date, target: str = Target.ALL,
                 rule: str = Rule.MICROGRID) -> VisitRound:
    """Create a round over ``region`` and assign its households by ``rule``. Needs ``manage`` on the region."""
    actor = as_actor(actor)
    if not may_plan_visits(actor) or not holds(actor, "manage", region):
        raise PermissionDenied("只有本区域的村(社区)干部、镇(街道)和市指挥中心可以安排走访", code="not_planner")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写轮次名称，例如“2026年第四季度”", field="name")
    if len(name) > 60:
        raise ValidationFailed("轮次名称不能超过 60 个字", field="name")
    if target not in Target.values:
        raise ValidationFailed(f"未知的走访对象“{target}”", field="target")
    if rule not in Rule.values or rule == Rule.MANUAL:
        raise ValidationFailed(f"未知的分配规则“{rule}”", field="rule")
    if starts_on > ends_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    now = timezone.now()
    rnd = VisitRound(name=name, region=region, target=target, rule=rule, starts_on=starts_on, ends_on=ends_on,
                     created_by=actor.user)
    rnd.place_in(region if region.level != Level.CITY else None)
    rnd.save()
    made, unassigned = assign_by_rule(rnd)
    emit("round", at=now, round_id=rnd.pk, actor=actor.user,
         data={"assigned": made, "unassigned": unassigned, "rule": rule, "target": target})
    audit.record(actor.user, "visits.round.create", rnd, summary=f"安排走访：{name}（{region.name}，{made} 户）",
                 data={"region": region.pk, "target": target, "rule": rule, "assigned": made,
                       "unassigned": unassigned, "starts_on": starts_on, "ends_on": ends_on})
    rnd.assigned, rnd.unassigned = made, unassigned
    return rnd


def _visitors(region: Region) -> tuple[dict, dict, dict, set]:
    """Who may be given households, per micro-grid and per grid (ids in post order), and the party members."""
    posts = (StaffAssignment.objects.filter(is_active=True, role__in=[Role.MICROGRID_LIAISON, Role.VOLUNTEER,
                                                                       Role.GRID_WORKER, Role.GRID_LEADER],
                                            **_region_filter(region))
             .order_by("role", "id").values_list("role", "region_id", "person_id", "person__is_party_member"))
    mg_staff: dict[int, list[int]] = defaultdict(list)
    workers: dict[int, list[int]] = defaultdict(list)
    leaders: dict[int, list[int]] = defaultdict(list)
    party: set[int] = set()
    for role, region_id, person_id, is_party in posts:
        if role in (Role.MICROGRID_LIAISON, Role.VOLUNTEER):
            if person_id not in mg_staff[region_id]:
                mg_staff[region_id].append(person_id)
        elif role == Role.GRID_WORKER:
            workers[region_id].append(person_id)
        else:
            leaders[region_id].append(person_id)
        if is_party:
            party.add(person_id)
    return mg_staff, workers, leaders, party


def _candidates(rule: str, mg: int | None, grid: int | None, staff) -> list[int]:
    mg_staff, workers, leaders, party = staff
    local = mg_staff.get(mg, [])
    grid_force = workers.get(grid) or leaders.get(grid) or []
    if rule == Rule.GRID:
        return grid_force or local
    if rule == Rule.PARTY:
        return [p for p in local if p in party] or local or grid_force
    return local or grid_force


def assign_by_rule(rnd: VisitRound) -> tuple[int, int]:
    """Write the round's assignments (bulk). Returns (assigned, households without anyone to visit them)."""
    region = rnd.region
    households = Household.objects.filter(**_region_filter(region))
    if rnd.target == Target.CARE:
        households = households.filter(pk__in=CareMembership.objects.filter(is_active=True).values("household_id"))
    residents = dict(Person.objects.filter(household__in=households.values("pk")).values_list("household_id")
                     .annotate(n=Count("id")).order_by())
    by_mg: dict[tuple, list[tuple]] = defaultdict(list)
    for hid, _code, t, v, g, m in households.order_by("microgrid_id", "code").values_list(
            "id", "code", "town_id", "village_id", "grid_id", "microgrid_id").iterator(chunk_size=5000):
        by_mg[(m, g)].append((hid, t, v, g, m))
    staff = _visitors(region)
    rows, unassigned = [], 0
    for (mg, grid), hhs in by_mg.items():
        people = _candidates(rnd.rule, mg, grid, staff)
        if not people:
            unassigned += len(hhs)
            continue
        n = len(hhs)
        for i, (hid, t, v, g, m) in enumerate(hhs):
            rows.append((rnd.pk, hid, people[i * len(people) // n], rnd.rule, residents.get(hid, 0), 0, t, v, g, m))
    insert_rows(VisitAssignment, ASSIGNMENT_FIELDS, rows)
    return len(rows), unassigned


def eligible_visitor(actor, person_id) -> Person:
    """A person ``actor`` may give households to: someone with an active visiting post, either in the
    actor's view scope or a department cadre (联群)."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise ValidationFailed("请选择走访人", field="visitor")
    person = Person.objects.filter(pk=pk, assignments__is_active=True, assignments__role__in=VISITOR_ROLES).first()
    if person is None or not (holds(actor, "view", person) or person.assignments.filter(
            is_active=True, role=Role.DEPARTMENT_HANDLER).exists()):
        raise NotFound("走访人不存在，或不在您的数据范围内", code="visitor_not_found", field="visitor")
    return person


@writer
def reassign(actor, assignments: list[VisitAssignment], visitor_id, *, note: str = "") -> int:
    """Give ``assignments`` to another visitor. Needs ``manage`` on every one of them (else nothing changes)."""
    actor = as_actor(actor)
    if not assignments:
        raise ValidationFailed("请选择要调整的户", field="assignments")
    if not may_plan_visits(actor) or not all(holds(actor, "manage", a) for a in assignments):
        raise NotFound("走访分配不存在，或不在您的管理范围内", code="assignment_not_found")
    if len({a.round_id for a in assignments}) != 1:
        raise ValidationFailed("一次只能调整同一轮次的分配", field="assignments")
    visitor = eligible_visitor(actor, visitor_id)
    ids = sorted(a.pk for a in assignments)
    before = {a.pk: a.visitor_id for a in assignments}
    VisitAssignment.objects.filter(pk__in=ids).update(visitor=visitor, basis=Rule.MANUAL, updated_at=timezone.now())
    rnd = assignments[0].round
    emit("reassign", at=timezone.now(), round_id=rnd.pk, actor=actor.user,
         data={"assignments": ids, "visitor": visitor.pk, "before": before})
    audit.record(actor.user, "visits.reassign", rnd, summary=f"调整走访分配：{len(ids)} 户 → {visitor.name}",
                 data={"assignments": ids, "visitor": visitor.pk, "before": before, "note": note[:200]})
    return len(ids)
