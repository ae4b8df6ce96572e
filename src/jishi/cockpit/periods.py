"""Periods of the cockpit (today, this month, this year) as local dates and aware datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.calendar import TZ
from jishi.core.errors import ValidationFailed

FIRST_YEAR, LAST_YEAR = 1900, 2199  # a custom period outside is refused (9999-12-31 + 1 day overflows)
LABELS = {"today": _("今日"), "month": _("本月"), "year": _("本年")}


@dataclass(frozen=True)
class Period:
    key: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=TZ)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=TZ)

    @property
    def label(self) -> str:
        return str(LABELS[self.key])


def today() -> date:
    return timezone.localtime(timezone.now(), TZ).date()


def period(key: str, on: date | None = None) -> Period:
    d = on or today()
    if key == "today":
        return Period(key, d, d)
    if key == "month":
        return Period(key, d.replace(day=1), d)
    return Period("year", d.replace(month=1, day=1), d)


def parse(key: str | None) -> Period:
    return period(key if key in LABELS else "month")


def custom(first: date | None, last: date | None) -> Period:
    """The custom period ``first``…``last`` (both days included), shared by the pages and the API; both must be
    given, in order, within FIRST_YEAR…LAST_YEAR (``ValidationFailed`` naming the field otherwise)."""
    if first is None or last is None:
        raise ValidationFailed("自定义时段须同时给出 from 和 to", field="from" if first is None else "to")
    for name, d in (("from", first), ("to", last)):
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            raise ValidationFailed(f"日期须在 {FIRST_YEAR} 年到 {LAST_YEAR} 年之间", field=name)
    if last < first:
        raise ValidationFailed("截止日不能早于起始日", field="to")
    return Period("range", first, last)
