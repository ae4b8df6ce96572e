"""Periods of the cockpit (today, this month, this year) as local dates and aware datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.calendar import TZ

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
