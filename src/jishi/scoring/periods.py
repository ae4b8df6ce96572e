"""Assessment periods in the city's time zone, each a half-open [start, end) window: a calendar month (the
monthly boards the city publishes), a quarter and a year (季度/年度 boards). The indicators read only ``start``
and ``end``, so every board, drill-down and export works for any of them (``parse_period``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from jishi.core.errors import ValidationFailed

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class _Window:
    """What every period shares: the window [start, end), where it ends the next one starts."""

    @classmethod
    def current(cls):
        return cls.of(timezone.localdate())

    @property
    def end(self) -> datetime:
        return self.next().start

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end


@dataclass(frozen=True)
class Month(_Window):
    year: int
    month: int
    kind: ClassVar[str] = "month"

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-10"`` → Month; anything else (or a year outside 2000–2100) is refused."""
        m = _MONTH.match((text or "").strip())
        if not m or not (2000 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12):
            raise ValidationFailed(f"月份格式应为 YYYY-MM：{text}", field="month")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime(self.year, self.month, 1))

    @property
    def label(self) -> str:
        return _("%(year)d年%(month)d月") % {"year": self.year, "month": self.month}


@dataclass(frozen=True)
class Quarter(_Window):
    year: int
    quarter: int
    kind: ClassVar[str] = "quarter"

    @classmethod
    def of(cls, d: date) -> Quarter:
        return cls(d.year, (d.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    @property
    def first_month(self) -> Month:
        return Month(self.year, self.quarter * 3 - 2)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.quarter == 4), self.quarter % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    @property
    def start(self) -> datetime:
        return self.first_month.start

    @property
    def label(self) -> str:
        return _("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.quarter}


@dataclass(frozen=True)
class Year(_Window):
    year: int
    kind: ClassVar[str] = "year"

    @classmethod
    def of(cls, d: date) -> Year:
        return cls(d.year)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    def next(self) -> Year:
        return Year(self.year + 1)

    def previous(self) -> Year:
        return Year(self.year - 1)

    @property
    def start(self) -> datetime:
        return Month(self.year, 1).start

    @property
    def label(self) -> str:
        return _("%(year)d年度") % {"year": self.year}


Period = Month | Quarter | Year
KINDS: dict[str, type] = {"month": Month, "quarter": Quarter, "year": Year}


def parse_period(text: str) -> Period:
    """``"2026-10"``, ``"2026-Q4"`` or ``"2026"`` → the period; anything else (or a year outside 2000–2100) is
    refused."""
    t = (text or "").strip()
    if m := _QUARTER.match(t):
        if 2000 <= int(m.group(1)) <= 2100:
            return Quarter(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(t):
        if 2000 <= int(m.group(1)) <= 2100:
            return Year(int(m.group(1)))
    elif _MONTH.match(t):
        return Month.parse(t)
    raise ValidationFailed(f"考核期格式应为 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY（年度）：{text}", field="month")


def containing(kind: str, period: Period) -> Period:
    """The period of ``kind`` that contains the first day of ``period`` (the month board → its quarter)."""
    return KINDS[kind].of(timezone.localtime(period.start).date())
