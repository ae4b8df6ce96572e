"""The working-day calendar used for time limits (时限).

Working days come from the ``chinesecalendar`` package (statutory holidays and make-up working
days as published by the State Council, known up to 2026), with admin-entered ``CalendarDay``
rows winning over it. Years the package does not know fall back to Monday–Friday.

Office hours (Asia/Shanghai): 08:30–12:00 and 13:30–17:30, 7.5 working hours a day.

- ``is_workday(d)``
- ``add_working_days(start, n)``: the end of office hours (17:30) of the n-th working day
  after the day of ``start`` (the day of receipt does not count, as in the 12345 rules).
- ``add_working_hours(start, hours)``: ``hours`` of office time after ``start``.
- ``working_time_between(a, b)``: office time between two moments (negative if b < a).

Overrides are cached per process; saving or deleting a ``CalendarDay`` clears the cache in this
process, and other processes re-read within ``CACHE_SECONDS``. ``clear_cache()`` forces a re-read.
"""

from __future__ import annotations

import threading
import time as _time
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

TZ = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
DAY_HOURS = sum((datetime.combine(date.min, e) - datetime.combine(date.min, s)).seconds for s, e in OFFICE_HOURS) / 3600
CACHE_SECONDS = 60

_lock = threading.Lock()
_cache: dict[str, object] = {"overrides": None, "loaded": 0.0, "days": {}}


def clear_cache() -> None:
    with _lock:
        _cache["overrides"], _cache["days"] = None, {}


def _days() -> dict[date, bool]:
    """The per-date answers, valid while the overrides they were computed with are fresh."""
    if _cache["overrides"] is None or _time.monotonic() - float(_cache["loaded"]) >= CACHE_SECONDS:
        from jishi.core.models import CalendarDay

        data = dict(CalendarDay.objects.values_list("date", "is_workday"))
        with _lock:
            _cache["overrides"], _cache["loaded"], _cache["days"] = data, _time.monotonic(), dict(data)
    return _cache["days"]  # type: ignore[return-value]


def is_workday(d: date) -> bool:
    """Whether ``d`` is a working day (override, else statutory calendar, else Mon–Fri)."""
    if isinstance(d, datetime):
        d = _local(d).date()
    days = _days()
    known = days.get(d)
    if known is not None:
        return known
    try:
        known = chinese_calendar.is_workday(d)
    except NotImplementedError:  # a year the package does not know yet
        known = d.weekday() < 5
    days[d] = known
    return known


def next_workday(d: date) -> date:
    """The first working day strictly after ``d``."""
    d += timedelta(days=1)
    while not is_workday(d):
        d += timedelta(days=1)
    return d


def _local(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def _periods(d: date) -> list[tuple[datetime, datetime]]:
    if not is_workday(d):
        return []
    return [(datetime.combine(d, s, TZ), datetime.combine(d, e, TZ)) for s, e in OFFICE_HOURS]


def add_working_days(start: datetime, n: int) -> datetime:
    """The end of office hours on the n-th working day after the day of ``start``."""
    d = _local(start).date()
    for _ in range(max(n, 0)):
        d = next_workday(d)
    if n <= 0:
        d = d if is_workday(d) else next_workday(d)
    return datetime.combine(d, OFFICE_HOURS[-1][1], TZ)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` of office time after ``start`` (time outside office hours does not count)."""
    remaining = timedelta(hours=hours)
    cur = _local(start)
    d = cur.date()
    for _ in range(3660):  # ten years of days: a limit far beyond any time limit
        for s, e in _periods(d):
            if cur >= e:
                continue
            begin = max(cur, s)
            span = e - begin
            if remaining <= span:
                return begin + remaining
            remaining -= span
            cur = e
        d += timedelta(days=1)
        cur = datetime.combine(d, time(0), TZ)
    raise ValueError("add_working_hours: no working time found within ten years")


def working_time_between(a: datetime, b: datetime) -> timedelta:
    """Office time between ``a`` and ``b`` (negative when ``b`` is before ``a``)."""
    a, b = _local(a), _local(b)
    if b < a:
        return -working_time_between(b, a)
    total = timedelta()
    d = a.date()
    while d <= b.date():
        for s, e in _periods(d):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                total += hi - lo
        d += timedelta(days=1)
    return total


def _connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from jishi.core.models import CalendarDay

    def _clear(**_kwargs) -> None:
        clear_cache()

    post_save.connect(_clear, sender=CalendarDay, weak=False, dispatch_uid="jishi-calendar-clear-save")
    post_delete.connect(_clear, sender=CalendarDay, weak=False, dispatch_uid="jishi-calendar-clear-delete")
