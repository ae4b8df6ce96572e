"""Incremental rollups: a case's contribution to ``DailyRollup`` is a pure function of the case row
and its supervision notices and whistles. For every case a batch of timeline rows touches (``consumers``)
the difference between the new contribution and the one remembered in ``CaseMark`` is added as increments
in one upsert (no read-modify-write of a total), in the consumer's transaction with its cursor move.
``add_new_case`` is the short path for a case just made in memory (its contribution without a read).

``recompute()`` computes the whole table from the raw rows with SQL aggregation (a second, independent
path — the property test checks that both agree); ``rebuild()`` rewrites every mark from the raw rows and
the table as their sum."""

from __future__ import annotations

from collections import Counter, defaultdict, namedtuple
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from jishi.cases import figures
from jishi.cases.choices import Rating, State, SupervisionKind, SupervisionLevel
from jishi.cases.models import Case, CaseEvent, Category, Supervision, Whistle
from jishi.cockpit.models import CHANNEL, COUNTERS, DIMS, FINE, TOWN, CaseMark, DailyRollup
from jishi.core.bulk import insert_rows
from jishi.core.calendar import TZ

SATISFIED = (Rating.SATISFIED, Rating.BASIC)  # the ``satisfied`` counter: 满意 or 基本满意 (``rated_basic``: the latter)
Key = tuple  # (grain, day iso, town, village, grid, category, channel, counter)


def _day(dt: datetime) -> str:
    return timezone.localtime(dt, TZ).date().isoformat()


def coarse(key: tuple, main: int) -> list[tuple]:
    """The TOWN and CHANNEL keys a FINE key (without grain and counter) also counts in."""
    day, town, _village, _grid, _category, channel = key
    return [(TOWN, day, town, 0, 0, main, ""), (CHANNEL, day, town, 0, 0, 0, channel)]


def contribution(case: Case, supervisions: list, whistles: list, main_category: int | None = None,
                 ratings: list = ()) -> Counter:
    """What ``case`` adds to the rollups now. ``supervisions``: (created_at, kind, level) tuples;
    ``whistles``: blown_at values; ``main_category``: the 大类 of the case's category; ``ratings``: (at, rating)
    of the case's counted ratings (``counted_ratings``: ``jishi.cases.figures``)."""
    dims = (case.town_id or 0, case.village_id or 0, case.grid_id or 0, case.category_id or 0, case.channel)
    main = main_category if main_category is not None else (case.category.parent_id or case.category_id)
    out: Counter = Counter()

    def add(dt, counter: str, n: int = 1) -> None:
        if dt is not None and n:
            key = (_day(dt), *dims)
            for k in [(FINE, *key), *coarse(key, main)]:
                out[(*k, counter)] += n

    rd = case.reported_at
    add(rd, "received")
    if case.state == State.REJECTED:
        add(rd, "rejected")
    if case.state == State.CLOSED and case.closed_at is not None:
        add(rd, "received_closed")
        add(case.closed_at, "closed")
        if case.handle_due_at is not None and case.closed_at <= case.handle_due_at:
            add(rd, "closed_on_time")
    add(rd, "rework", case.rework_count)
    for at, rating in ratings:
        add(at, "rated")
        if rating in SATISFIED:
            add(at, "satisfied")
        if rating == Rating.BASIC:
            add(at, "rated_basic")
    for created_at, kind, level in supervisions:
        add(created_at, "supervisions")
        if kind == SupervisionKind.HANDLE and level == SupervisionLevel.RED:
            add(created_at, "overdue_opened")
    for blown_at in whistles:
        add(blown_at, "whistles")
    return out


def _encode(c: Counter) -> list:
    return [[*k, n] for k, n in sorted(c.items()) if n]


def _decode(rows: list) -> Counter:
    return Counter({tuple(r[:-1]): r[-1] for r in rows})


def apply_delta(delta: Counter) -> None:
    """Add ``delta`` (key → n) to the rollup rows: one ``INSERT … ON CONFLICT DO UPDATE SET c = c + n``
    for all the rows it touches (SQLite ≥ 3.24 and PostgreSQL), in key order so that concurrent
    transactions lock shared rows in the same order."""
    by_row: dict[tuple, dict[str, int]] = defaultdict(dict)
    for (*dims, counter), n in delta.items():
        if n:
            by_row[tuple(dims)][counter] = by_row[tuple(dims)].get(counter, 0) + n
    if not by_row:
        return
    _upsert(sorted(by_row.items()))


def _upsert(rows: list[tuple[tuple, dict[str, int]]]) -> None:
    qn = connection.ops.quote_name
    table = qn(DailyRollup._meta.db_table)
    used = [c for c in COUNTERS if any(c in counters for _, counters in rows)]
    cols = [*DIMS, *COUNTERS]
    params: list = []
    for k, counters in rows:
        params += [k[0], connection.ops.adapt_datefield_value(date.fromisoformat(k[1])), *k[2:]]
        params += [counters.get(c, 0) for c in COUNTERS]
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    sql = (f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES {', '.join([one] * len(rows))} "
           f"ON CONFLICT ({', '.join(qn(d) for d in DIMS)}) DO UPDATE SET "
           + ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in used))
    with connection.cursor() as cur:
        cur.execute(sql, params)


def add_new_case(case: Case) -> None:
    """The rollup update for a case just reported (its first timeline row): O(1) from the case in memory.
    A new case has no notices or whistles, so its contribution is what ``contribution`` gives for the row
    alone; the mark is inserted (not upserted): a second report row of one case fails loudly rather than
    counting twice."""
    new = contribution(case, [], [])
    with transaction.atomic(savepoint=False):
        CaseMark.objects.bulk_create([CaseMark(case_id=case.pk, contrib=_encode(new))])
        apply_delta(new)


def refresh_case(case_id: int) -> None:
    """Bring the rollups up to date with case ``case_id`` (called by the consumer for each case a batch of
    timeline rows touches). Locks the case's mark so that two changes of one case apply their deltas in turn."""
    with transaction.atomic(savepoint=False):
        case = Case.objects.filter(pk=case_id).select_related("category").first()
        if case is None:
            return
        CaseMark.objects.bulk_create([CaseMark(case_id=case_id, contrib=[])], ignore_conflicts=True)
        mark = CaseMark.objects.select_for_update().get(pk=case_id)
        sups = list(Supervision.objects.filter(case_id=case_id).values_list("created_at", "kind", "level"))
        whs = list(Whistle.objects.filter(case_id=case_id).values_list("blown_at", flat=True))
        new = contribution(case, sups, whs, ratings=counted_ratings(case_id))
        old = _decode(mark.contrib)
        delta = Counter(new)
        delta.subtract(old)
        apply_delta(Counter({k: v for k, v in delta.items() if v}))
        if new != old:
            CaseMark.objects.filter(pk=case_id).update(contrib=_encode(new))


def counted_ratings(case_id: int) -> list[tuple]:
    """(at, rating) of the counted ratings of one case (one query: ``figures.counted_ratings``)."""
    return list(CaseEvent.objects.filter(figures.counted_ratings(), case_id=case_id).values_list("at", "data__rating"))


# --- rebuild from raw rows -------------------------------------------------------------------

def _case_counts(cond: Q, field: str, counter: str, total: dict, *, amount=None) -> None:
    qs = (Case.objects.filter(cond).annotate(d=TruncDate(field, tzinfo=TZ))
          .values("d", "town_id", "village_id", "grid_id", "category_id", "channel")
          .annotate(n=amount if amount is not None else Count("pk")))
    for r in qs:
        if r["n"]:
            k = (FINE, r["d"].isoformat(), r["town_id"] or 0, r["village_id"] or 0, r["grid_id"] or 0,
                 r["category_id"] or 0, r["channel"])
            total[k][counter] += r["n"]


def _related_counts(qs, field: str, counter: str, total: dict) -> None:
    rows = (qs.annotate(d=TruncDate(field, tzinfo=TZ))
            .values("d", "case__town_id", "case__village_id", "case__grid_id", "case__category_id", "case__channel")
            .annotate(n=Count("pk")))
    for r in rows:
        k = (FINE, r["d"].isoformat(), r["case__town_id"] or 0, r["case__village_id"] or 0, r["case__grid_id"] or 0,
             r["case__category_id"] or 0, r["case__channel"])
        total[k][counter] += r["n"]


def recompute() -> dict[tuple, dict[str, int]]:
    """The rollups recomputed from the raw cases, notices and whistles: key → {counter: n}."""
    total: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    closed = Q(state=State.CLOSED, closed_at__isnull=False)
    _case_counts(Q(), "reported_at", "received", total)
    _case_counts(Q(state=State.REJECTED), "reported_at", "rejected", total)
    _case_counts(closed, "reported_at", "received_closed", total)
    _case_counts(closed & Q(closed_at__lte=F("handle_due_at")), "reported_at", "closed_on_time", total)
    _case_counts(Q(rework_count__gt=0), "reported_at", "rework", total, amount=Sum("rework_count"))
    _case_counts(closed, "closed_at", "closed", total)
    counted = figures.counted_ratings()
    _related_counts(CaseEvent.objects.filter(counted), "at", "rated", total)
    _related_counts(CaseEvent.objects.filter(counted, data__rating__in=list(SATISFIED)), "at", "satisfied", total)
    _related_counts(CaseEvent.objects.filter(counted, data__rating=Rating.BASIC), "at", "rated_basic", total)
    _related_counts(Supervision.objects.all(), "created_at", "supervisions", total)
    _related_counts(Supervision.objects.filter(kind=SupervisionKind.HANDLE, level=SupervisionLevel.RED),
                    "created_at", "overdue_opened", total)
    _related_counts(Whistle.objects.all(), "blown_at", "whistles", total)
    mains = dict(Category.objects.values_list("pk", "parent_id"))
    for k, counters in list(total.items()):
        for ck in coarse(k[1:], mains.get(k[5]) or k[5]):
            for c, n in counters.items():
                total[ck][c] += n
    return dict(total)


def stored() -> dict[tuple, dict[str, int]]:
    """The rollup table as key → {counter: n} (rows whose counters are all zero left out)."""
    out = {}
    for r in DailyRollup.objects.values(*DIMS, *COUNTERS):
        counters = {c: r[c] for c in COUNTERS}
        if any(counters.values()):
            out[(r["grain"], r["day"].isoformat(), *(r[d] for d in DIMS[2:]))] = counters
    return out


_MARK_FIELDS = ("id", "town_id", "village_id", "grid_id", "category_id", "channel", "state", "reported_at",
                "closed_at", "handle_due_at", "rework_count")
_MarkRow = namedtuple("_MarkRow", _MARK_FIELDS)  # what ``contribution`` reads of a case, without a model instance


@transaction.atomic
def rebuild(*, chunk: int = 5000) -> int:
    """Recompute every case's mark from the raw rows, and the rollup table as the sum of the marks (the
    consumers keep exactly that sum up to date; ``recompute`` is the independent SQL path the property test
    compares it with). One pass over the cases; rows written as tuples (``core.bulk``). Returns the rollup rows."""
    total = _rebuild_marks(chunk)
    DailyRollup.objects.all().delete()
    rows = ((k[0], connection.ops.adapt_datefield_value(date.fromisoformat(k[1])), *k[2:],
             *(v.get(c, 0) for c in COUNTERS)) for k, v in sorted(total.items()))
    return insert_rows(DailyRollup, [*DIMS, *COUNTERS], rows)


def _rebuild_marks(chunk: int) -> dict[tuple, dict[str, int]]:
    """Write every case's mark; returns the sum of all marks (key → {counter: n}, zero counters left out)."""
    CaseMark.objects.all().delete()
    sups: dict[int, list] = defaultdict(list)
    for cid, *rest in Supervision.objects.values_list("case_id", "created_at", "kind", "level"):
        sups[cid].append(tuple(rest))
    whs: dict[int, list] = defaultdict(list)
    for cid, at in Whistle.objects.values_list("case_id", "blown_at"):
        whs[cid].append(at)
    rates: dict[int, list] = defaultdict(list)
    for cid, at, rating in CaseEvent.objects.filter(figures.counted_ratings()).values_list("case_id", "at",
                                                                                         "data__rating"):
        rates[cid].append((at, rating))
    mains = dict(Category.objects.values_list("pk", "parent_id"))
    contrib = CaseMark._meta.get_field("contrib")
    total: dict[tuple, dict[str, int]] = defaultdict(dict)
    last = 0
    while True:
        batch = [_MarkRow(*r) for r in Case.objects.filter(pk__gt=last).order_by("pk")
                 .values_list(*_MARK_FIELDS)[:chunk]]
        if not batch:
            break
        marks = []
        for c in batch:
            con = contribution(c, sups.get(c.id, []), whs.get(c.id, []), mains.get(c.category_id) or c.category_id,
                               rates.get(c.id, []))
            for (*key, counter), n in con.items():
                if n:
                    row = total[tuple(key)]
                    row[counter] = row.get(counter, 0) + n
            marks.append((c.id, contrib.get_db_prep_save(_encode(con), connection)))
        insert_rows(CaseMark, ["case_id", "contrib"], marks)
        last = batch[-1].id
    return total
