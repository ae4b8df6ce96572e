"""Demo cases: a realistic year of cases up to ``ctx.today`` (the demo generator's hook).

City scale: 95,399 grid cases (98.9% closed, as in the city's report) from patrol, residents,
informants, visits, sensors and alliance units, plus 20,000 12345-hotline cases; small scale: a
few hundred. Each case has a full timeline (report → accept → dispatch → acknowledge → handle →
verify → close, with on-the-spot resolutions, returns, whistles, extensions, reworks and ratings),
due times from the working-day calendar, and supervision notices where a limit was missed.
Points lie inside their micro-grids (household coordinates, else a micro-grid centroid with
jitter, each checked with the locator). Rows are written with bulk_create in chunks.

``generate(ctx)`` accepts any object with ``scale``, ``seed``, ``rng``, ``progress`` and ``today``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from jishi.cases import deadlines
from jishi.cases.choices import (
    AssignmentRole,
    AssignmentSource,
    Channel,
    CommandLevel,
    Rating,
    State,
    SupervisionKind,
    SupervisionLevel,
)
from jishi.cases.figures import STAFF_CHANNELS
from jishi.cases.models import Case, CaseAssignment, CaseEvent, Category, Supervision, Whistle
from jishi.cases.seed import DEPARTMENT_CODES, load
from jishi.core import audit, consumers
from jishi.core.calendar import TZ
from jishi.org.choices import Role
from jishi.org.geo import locator
from jishi.org.models import Department, Household, Person, Region, StaffAssignment

SCALES = {"city": (95_399, 20_000), "small": (360, 60)}
# Extra cases of the last few days, all still open, so that every queue of the small demo has work in it
# (at city scale the year's own open cases — about a thousand — already fill them).
LIVE = {"city": 0, "small": 80}
LIVE_DAYS = 4
CLOSED_SHARE = 0.9891  # 94,361 of 95,399 grid cases closed
REJECTED_SHARE = 0.002
CHANNEL_MIX = [(Channel.PATROL, 0.72), (Channel.RESIDENT, 0.12), (Channel.INFORMANT, 0.06), (Channel.VISIT, 0.06),
               (Channel.SENSOR, 0.02), (Channel.ALLIANCE, 0.02)]
CATEGORY_WEIGHT = {"01": 24, "02": 16, "03": 6, "04": 2, "05": 9, "06": 10, "07": 5, "08": 5, "09": 6, "10": 6,
                   "11": 5, "12": 8}
CHUNK = 5000
TITLES = {
    "0101": ["路边暴露垃圾", "绿化带内堆放生活垃圾"], "0104": ["垃圾桶满溢未清运"], "0201": ["早市占道经营"],
    "0202": ["店铺出店经营"], "0601": ["机动车占用消防通道"], "0602": ["共享单车乱停放"], "0502": ["路灯不亮"],
    "0501": ["窨井盖缺失"], "1001": ["邻里漏水纠纷"], "1201": ["村口垃圾堆放"], "0901": ["河道漂浮物"],
}
FIRST_NAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"


@dataclass
class Spot:
    lng: float
    lat: float
    microgrid: int | None
    grid: int
    village: int
    town: int


def generate(ctx) -> str:
    """Write the demo year of cases; returns a one-line summary."""
    grid_total, hotline_total = SCALES.get(ctx.scale, SCALES["small"])
    rng = random.Random(f"cases:{ctx.seed}")
    if not Category.objects.exists():
        load(Category)
    world = _World.load(rng)
    if not world.spots:
        return "cases: no located micro-grids, skipped"
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    end = datetime.combine(today, time(17, 0), TZ)
    start = end - timedelta(days=365)
    total = grid_total + hotline_total
    next_pk = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    plan = [(Channel.HOTLINE if i >= grid_total else None) for i in range(total)]
    made = closed = 0
    bar = ctx.progress(total=total, desc="事件")
    for lo in range(0, total, CHUNK):
        chunk = plan[lo:lo + CHUNK]
        stats = _write_chunk(world, rng, chunk, next_pk + lo, lo, start, end)
        made += len(chunk)
        closed += stats
        if bar is not None and hasattr(bar, "update"):
            bar.update(len(chunk))
    if bar is not None and hasattr(bar, "close"):
        bar.close()
    live = LIVE.get(ctx.scale, 0)
    if live:
        live_end = min(end, max(timezone.now(), end - timedelta(hours=12)))  # not later than now, when today
        _write_chunk(world, rng, [None] * live, next_pk + total, total, live_end - timedelta(days=LIVE_DAYS),
                     live_end, force_open=True)
        made += live
    _reset_sequences()
    # The invented history is not told, pushed or awarded: the timeline's consumers start after it
    # (the cockpit's demo hook rebuilds the rollups from the rows).
    consumers.fast_forward(CaseEvent)
    audit.record(None, "demo.cases", object_type="cases.case", object_id="demo",
                 summary=f"演示事件 {made} 件（网格 {grid_total}，12345 {hotline_total}）", data={"closed": closed})
    return f"cases: {made} ({closed} closed)"


class _World:
    """What the generator draws from: locations, grid workers, residents, departments, categories."""

    def __init__(self):
        self.spots: list[Spot] = []
        self.workers: dict[int, list[tuple[int, int | None]]] = defaultdict(list)  # grid → [(person, user)]
        self.residents: dict[int, list[tuple[int, str, str, int | None]]] = defaultdict(list)
        self.cadres: dict[int, int | None] = {}
        self.town_commanders: dict[int, int | None] = {}
        self.depts: dict[str, int] = {}
        self.dept_by_short: dict[str, int] = {}
        self.leaves: list[Category] = []
        self.weights: list[float] = []
        self.village_kind: dict[int, str] = {}

    @classmethod
    def load(cls, rng: random.Random) -> _World:
        w = cls()
        w._load_spots(rng)
        for role, region, person, user in StaffAssignment.objects.filter(
                is_active=True, role__in=[Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWN_COMMANDER]).values_list(
                "role", "region_id", "person_id", "person__user_id"):
            if role == Role.GRID_WORKER:
                w.workers[region].append((person, user))
            elif role == Role.VILLAGE_CADRE:
                w.cadres.setdefault(region, user)
            else:
                w.town_commanders.setdefault(region, user)
        heads = Person.objects.filter(is_household_head=True, microgrid__isnull=False).values_list(
            "id", "name", "phone", "microgrid_id", "user_id")
        for pid, name, phone, mg, user in heads[:60_000]:
            w.residents[mg].append((pid, name, phone, user))
        for pk, code, short in Department.objects.filter(is_active=True).values_list("id", "code", "short_name"):
            w.depts[code] = pk
            w.dept_by_short.setdefault(short, pk)
        w.village_kind = dict(Region.objects.filter(level="village").values_list("id", "kind"))
        w.leaves = list(Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"))
        siblings = defaultdict(int)
        for c in w.leaves:
            siblings[c.parent_id] += 1
        w.weights = [CATEGORY_WEIGHT.get(c.parent.code, 3) / siblings[c.parent_id] for c in w.leaves]
        return w

    def _load_spots(self, rng: random.Random) -> None:
        """Household points (checked with the locator), else micro-grid centroids with jitter."""
        loc = locator()
        hh = list(Household.objects.filter(lng__isnull=False, grid__isnull=False).values_list(
            "lng", "lat", "microgrid_id", "grid_id", "village_id", "town_id")[:200_000])
        if len(hh) < 500:
            hh += _jittered(rng)
        if not hh:
            return
        arr = np.array([(h[0], h[1]) for h in hh], dtype=float)
        found = loc.locate(arr[:, 0], arr[:, 1])
        for h, rid in zip(hh, found, strict=True):
            if rid >= 0 and rid in (h[2], h[3]):
                self.spots.append(Spot(*h))

    def department(self, category: Category) -> int | None:
        code = category.default_department_code or category.parent.default_department_code
        if code in self.depts:
            return self.depts[code]
        short = next((s for s, c in DEPARTMENT_CODES.items() if c == code), None)
        return self.dept_by_short.get(short) or (next(iter(self.depts.values())) if self.depts else None)


def _jittered(rng: random.Random) -> list[tuple]:
    out = []
    rows = Region.objects.filter(level="microgrid", lng__isnull=False).values_list(
        "lng", "lat", "id", "grid_id", "village_id", "town_id")
    for lng, lat, mg, grid, village, town in rows:
        for _ in range(20):
            out.append((lng + rng.uniform(-0.0015, 0.0015), lat + rng.uniform(-0.0015, 0.0015), mg, grid, village, town))
    return out


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A report time, more often on working days and in the day."""
    span = (end - start).total_seconds()
    t = start + timedelta(seconds=rng.random() * span)
    hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 8, 10, 12, 12, 11, 9, 7, 5, 4, 3,
                                           2, 1])[0]
    t = t.astimezone(TZ).replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    return min(t, end - timedelta(minutes=rng.randint(1, 600)))


def _write_chunk(w: _World, rng: random.Random, chunk: list, first_pk: int, index0: int, start: datetime,
                 end: datetime, force_open: bool = False) -> int:
    cases: list[Case] = []
    events: list[CaseEvent] = []
    assignments: list[CaseAssignment] = []
    supervisions: list[Supervision] = []
    whistles: list[tuple[Whistle, list[CaseAssignment]]] = []
    closed = 0
    for i, hotline in enumerate(chunk):
        pk = first_pk + i
        c, evs, asg, sup, wh = _one_case(w, rng, pk, hotline, index0 + i, start, end, force_open)
        cases.append(c)
        events.extend(evs)
        assignments.extend(asg)
        supervisions.extend(sup)
        if wh is not None:
            whistles.append(wh)
        closed += c.state == State.CLOSED
    with transaction.atomic():
        _insert(Case, cases, with_pk=True)
        _insert(CaseEvent, events)
        if whistles:
            Whistle.objects.bulk_create([x for x, _ in whistles], batch_size=1000)
            for x, rows in whistles:
                for a in rows:
                    a.whistle_id = x.pk
                assignments.extend(rows)
        _insert(CaseAssignment, assignments)
        Supervision.objects.bulk_create(supervisions, batch_size=1000)
    return closed


def _insert(model, objs: list, *, with_pk: bool = False, batch: int = 500) -> None:
    """bulk_create without the ORM's per-value overhead (the demo writes ~10⁶ rows): one
    executemany per batch, values adapted by the same field methods Django uses."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    adapt = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapt.append(connection.ops.adapt_datetimefield_value)
        elif kind in ("JSONField", "DecimalField"):
            adapt.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            adapt.append(None)
    attnames = [f.attname for f in fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"
    rows = []
    for o in objs:
        vals = [getattr(o, a) for a in attnames]
        rows.append([v if fn is None or v is None else fn(v) for v, fn in zip(vals, adapt, strict=True)])
    with connection.cursor() as cur:
        for lo in range(0, len(rows), batch):
            cur.executemany(sql, rows[lo:lo + batch])


def _pick_channel(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for ch, share in CHANNEL_MIX:
        acc += share
        if x < acc:
            return ch
    return Channel.PATROL


def _one_case(w: _World, rng: random.Random, pk: int, hotline, index: int, start: datetime, end: datetime,
              force_open: bool = False):
    spot = rng.choice(w.spots)
    cat = rng.choices(w.leaves, weights=w.weights)[0]
    if w.village_kind.get(spot.village) == "community" and cat.parent.code == "12":
        cat = rng.choices(w.leaves, weights=w.weights)[0]
    channel = hotline or _pick_channel(rng)
    reported = _when(rng, start, end)
    age = end - reported
    prio = cat.default_priority
    number = f"{reported.astimezone(TZ):%Y%m%d}{pk:05d}"
    c = Case(id=pk, number=number, channel=channel, category=cat, priority=prio,
             title=rng.choice(TITLES.get(cat.code, [cat.name])), description=f"{cat.name}，请尽快处理。",
             lng=round(spot.lng, 6), lat=round(spot.lat, 6), microgrid_id=spot.microgrid, grid_id=spot.grid,
             village_id=spot.village, town_id=spot.town, reported_at=reported, state=State.REPORTED,
             command_level=CommandLevel.TOWN if channel == Channel.HOTLINE else CommandLevel.VILLAGE,
             created_at=reported, updated_at=reported)
    reporter_user = None
    if channel in (Channel.PATROL, Channel.VISIT) and w.workers.get(spot.grid):
        person, reporter_user = rng.choice(w.workers[spot.grid])
        c.reporter_id, c.reporter_user_id = person, reporter_user
    elif channel in (Channel.RESIDENT, Channel.INFORMANT) and w.residents.get(spot.microgrid):
        person, name, phone, reporter_user = rng.choice(w.residents[spot.microgrid])
        c.reporter_id, c.reporter_user_id, c.reporter_name, c.reporter_phone = person, reporter_user, name, phone
    elif channel == Channel.HOTLINE:
        c.reporter_name = rng.choice(FIRST_NAMES) + rng.choice(["先生", "女士"])
        c.reporter_phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        c.external_ref = f"12345-{reported.astimezone(TZ):%Y%m%d}-{index:06d}"
    c.ack_due_at = deadlines.ack_due(cat, prio, reported)
    c.handle_due_at = deadlines.handle_due(cat, prio, reported)
    events = [_ev(pk, "report", reported, "", State.REPORTED, channel, c.reporter_name or "网格员")]
    assignments: list[CaseAssignment] = []
    sups: list[Supervision] = []
    whistle = None

    # Open cases are the recent ones: a case a few days old may still be in the loop.
    # (Cases whose later steps would fall after "today" also stay open: about a third of the open ones.)
    open_odds = 0.0 if age > timedelta(days=20) else (1 - CLOSED_SHARE) * 365 / 20 * (0.8 if age < timedelta(days=6) else 0.25)
    stop_at = _open_stop(rng) if force_open or rng.random() < open_odds else None
    if rng.random() < REJECTED_SHARE and stop_at is None:
        t = reported + timedelta(minutes=rng.randint(20, 240))
        c.state, c.closed_at, c.updated_at = State.REJECTED, t, t
        events.append(_ev(pk, "reject", t, State.REPORTED, State.REJECTED, "village_cadre", "村(社区)干部",
                          note="经核实不属于受理范围"))
        return c, events, assignments, sups, whistle

    commander_user = w.cadres.get(spot.village) if c.command_level == CommandLevel.VILLAGE else \
        w.town_commanders.get(spot.town)
    commander_role = "village_cadre" if c.command_level == CommandLevel.VILLAGE else "town_commander"
    t = reported
    if channel == Channel.PATROL and rng.random() < 0.38 and stop_at is None:  # 自行处置
        t += timedelta(minutes=rng.randint(10, 90))
        c.state, c.resolved_on_spot = State.CLOSED, True
        c.accepted_at = c.handled_at = c.verified_at = c.closed_at = c.updated_at = t
        events.append(_ev(pk, "resolve_on_spot", t, State.REPORTED, State.CLOSED, "grid_worker", "网格员",
                          actor=c.reporter_user_id, note="现场已处置，附处置前后照片"))
        return c, events, assignments, sups, whistle

    def step(verb, to, dt_minutes, role, name, actor=None, note="", dept=None, data=None):
        nonlocal t
        t += timedelta(minutes=dt_minutes)
        events.append(_ev(pk, verb, t, c.state, to, role, name, actor=actor, note=note, dept=dept, data=data))
        c.state, c.updated_at = to, t
        return t

    if stop_at == State.REPORTED:
        return c, events, assignments, sups, whistle
    c.accepted_at = step("accept", State.ACCEPTED, rng.randint(5, 90), commander_role, "指挥中心", commander_user)
    if stop_at == State.ACCEPTED:
        return c, events, assignments, sups, whistle

    dept = w.department(cat)
    whistled = rng.random() < 0.03 and dept is not None and len(w.depts) > 1
    on_time = rng.random() < 0.93
    if whistled:
        assist = rng.choice([d for d in w.depts.values() if d != dept])
        t_w = step("whistle", State.DISPATCHED, rng.randint(20, 180), commander_role, "指挥中心", commander_user,
                   note="需多部门联合处置", dept=dept, data={"lead": dept, "departments": [dept, assist]})
        due = deadlines.report_in_due(prio, t_w)
        whistle = (Whistle(case_id=pk, region_id=spot.village if c.command_level == CommandLevel.VILLAGE else spot.town,
                           blown_by_id=commander_user, blown_at=t_w, reason="需多部门联合处置", report_in_due_at=due),
                   [CaseAssignment(case_id=pk, department_id=d, role=r, source=AssignmentSource.WHISTLE, assigned_at=t_w,
                                   due_at=due, acknowledged_at=t_w + timedelta(minutes=rng.randint(15, 100)))
                    for d, r in ((dept, AssignmentRole.LEAD), (assist, AssignmentRole.ASSIST))])
        c.handling_department_id, c.dispatched_at, c.ack_due_at = dept, t_w, due
    else:
        if rng.random() < 0.03 and dept is not None:  # a wrong first assignment, returned
            wrong = rng.choice(list(w.depts.values()))
            t1 = step("dispatch", State.DISPATCHED, rng.randint(10, 120), commander_role, "指挥中心", commander_user,
                      dept=wrong)
            assignments.append(CaseAssignment(case_id=pk, department_id=wrong, assigned_at=t1, is_active=False,
                                              ended_at=t1 + timedelta(hours=2)))
            step("return", State.RETURNED, 120, "department_handler", "部门办事员", note="非本部门职责", dept=wrong)
        c.dispatched_at = step("dispatch", State.DISPATCHED, rng.randint(10, 120), commander_role, "指挥中心",
                               commander_user, dept=dept)
        c.handling_department_id = dept
        c.ack_due_at = deadlines.ack_due(cat, prio, c.dispatched_at)
        if dept is not None:
            assignments.append(CaseAssignment(case_id=pk, department_id=dept, assigned_at=c.dispatched_at,
                                              due_at=c.ack_due_at))
    c.handle_due_at = deadlines.handle_due(cat, prio, c.dispatched_at)
    if stop_at == State.DISPATCHED:
        return c, events, assignments, sups, whistle
    ack_gap = (c.ack_due_at - t).total_seconds() / 60
    minutes = rng.uniform(5, max(6, ack_gap * 0.8)) if on_time else ack_gap + rng.uniform(10, 240)
    c.acknowledged_at = step("report_in" if whistled else "acknowledge", State.IN_PROGRESS, minutes,
                             "department_handler", "部门办事员", dept=dept)
    for a in assignments:
        if a.is_active and a.department_id == dept:
            a.acknowledged_at = c.acknowledged_at
    if not on_time:
        sups.append(Supervision(case_id=pk, kind=SupervisionKind.ACKNOWLEDGE, level=SupervisionLevel.RED,
                                department_id=dept, due_at=c.ack_due_at, note="签收已超期", created_at=c.ack_due_at))
        c.supervision_level = SupervisionLevel.RED
    if rng.random() < 0.02:
        days = rng.randint(2, 5)
        step("request_extension", State.IN_PROGRESS, 60 * 24, "department_handler", "部门办事员",
             note="需协调第三方，申请延期", dept=dept, data={"days": days})
        step("extend", State.IN_PROGRESS, 120, commander_role, "指挥中心", commander_user,
             data={"approved": True, "days": days})
        c.extension_count = 1
        from jishi.core.calendar import add_working_days

        c.handle_due_at = add_working_days(c.handle_due_at, days)
    if stop_at == State.IN_PROGRESS:
        return c, events, assignments, sups, whistle
    handle_gap = (c.handle_due_at - t).total_seconds() / 60
    late = rng.random() > 0.92
    minutes = rng.uniform(30, max(31, handle_gap * 0.9)) if not late else handle_gap + rng.uniform(60, 60 * 48)
    c.handled_at = step("handle", State.HANDLED, minutes, "department_handler", "部门办事员", note="已按要求处置完毕",
                        dept=dept)
    if late:
        sups.append(Supervision(case_id=pk, kind=SupervisionKind.HANDLE, level=SupervisionLevel.RED,
                                department_id=dept, due_at=c.handle_due_at, note="处置已超期", created_at=c.handle_due_at))
        c.supervision_level = SupervisionLevel.RED
    if rng.random() < 0.025:  # failed verification → rework
        step("verify", State.IN_PROGRESS, rng.randint(60, 600), "grid_worker", "网格员", note="现场仍未整改到位",
             data={"passed": False, "rework": True})
        c.rework_count += 1
        c.handled_at = step("handle", State.HANDLED, rng.randint(120, 1440), "department_handler", "部门办事员",
                            note="返工后处置完毕", dept=dept)
    if stop_at == State.HANDLED:
        return c, events, assignments, sups, whistle
    c.verified_at = step("verify", State.HANDLED, rng.randint(30, 720), "grid_worker", "网格员", note="核查通过",
                         data={"passed": True})
    c.closed_at = step("close", State.CLOSED, rng.randint(10, 240), commander_role, "指挥中心", commander_user)
    if channel not in STAFF_CHANNELS and (c.reporter_user_id or channel in (Channel.HOTLINE, Channel.RESIDENT)):
        rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED], weights=[90, 7, 3])[0]
        if rating == Rating.UNSATISFIED:
            step("rate", State.IN_PROGRESS, rng.randint(60, 2880), "resident", c.reporter_name or "群众",
                 actor=c.reporter_user_id, data={"rating": rating, "rework": True})
            c.rework_count += 1
            c.handled_at = step("handle", State.HANDLED, rng.randint(240, 2880), "department_handler", "部门办事员",
                                note="返工后处置完毕", dept=dept)
            c.verified_at = step("verify", State.HANDLED, rng.randint(30, 720), "grid_worker", "网格员",
                                 data={"passed": True})
            c.closed_at = step("close", State.CLOSED, rng.randint(10, 240), commander_role, "指挥中心", commander_user)
            rating = Rating.BASIC
        c.rated_at = step("rate", State.CLOSED, rng.randint(60, 2880), "resident", c.reporter_name or "群众",
                          actor=c.reporter_user_id, data={"rating": rating})
        c.rating = rating
    if c.updated_at > end:  # nothing happens after "today"
        _truncate(c, events, end)
    return c, events, assignments, sups, whistle


def _open_stop(rng: random.Random) -> str:
    return rng.choices([State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.HANDLED],
                       weights=[10, 10, 20, 45, 15])[0]


def _truncate(c: Case, events: list[CaseEvent], end: datetime) -> None:
    """Drop the steps that would lie in the future; the case stays where it was at ``end``."""
    pk = c.id
    keep = [e for e in events if e.case_id != pk or e.at <= end]
    dropped = [e for e in events if e.case_id == pk and e.at > end]
    if not dropped:
        return
    events[:] = keep
    last = [e for e in keep if e.case_id == pk][-1]
    c.state, c.updated_at = last.to_state, last.at
    for e in dropped:
        field = {"close": "closed_at", "verify": "verified_at", "handle": "handled_at", "rate": "rated_at"}.get(e.verb)
        if field:
            setattr(c, field, None)
        if e.verb == "rate":
            c.rating = ""
    if c.state != State.HANDLED:
        c.verified_at = None


def _ev(case_id, verb, at, from_state, to_state, role, name, *, actor=None, note="", dept=None, data=None) -> CaseEvent:
    return CaseEvent(case_id=case_id, verb=verb, at=at, from_state=from_state, to_state=to_state, actor_role=role,
                     actor_name=name, actor_id=actor, note=note, department_id=dept, data=data or {})


def _reset_sequences() -> None:
    """Explicit ids were written: move PostgreSQL's sequence past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cur.execute(sql)


