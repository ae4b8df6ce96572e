"""One case filter for every list that filters cases: the command board, the department inbox and the
case API read the same parameters the same way.

    state=reported,accepted   one or several states (comma-separated)
    channel=patrol
    category=0101 | 17        a category by code or by id; a 大类 includes its 小类
    region=5                  a town, village, grid or micro-grid (any level)
    town= village= grid=      one level each
    department=3              the current handling department
    overdue=1|true|0|false    only overdue / only not overdue
    created_after= created_before=   ISO date or date-time
    q=20260101 | 垃圾         number prefix, or title contains (case-insensitive)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from jishi.cases.choices import Channel, State
from jishi.cases.due import overdue_q
from jishi.cases.models import Category
from jishi.core.errors import ValidationFailed

Q_MAX = 50
REGION_LEVELS = ("town", "village", "grid", "microgrid")


@dataclass(frozen=True)
class CaseFilter:
    states: tuple[str, ...] = ()
    channel: str = ""
    category: str = ""
    region: int | None = None
    town: int | None = None
    village: int | None = None
    grid: int | None = None
    department: int | None = None
    overdue: bool | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    q: str = ""

    # --- parsing ---------------------------------------------------------------------------------
    @classmethod
    def parse(cls, params: Mapping[str, Any], *, strict: bool = False) -> CaseFilter:
        """The filter of query parameters (a page's ``request.GET`` or the API's parsed query). ``strict``
        (the API): an unknown state or channel, or a malformed id or moment, is a 422; otherwise (the pages,
        whose links and forms build the query) it is ignored."""

        def text(name: str) -> str:
            value = params.get(name)
            return "" if value is None else str(getattr(value, "value", value)).strip()

        def refuse(name: str, message: str):
            if strict:
                raise ValidationFailed(message, field=name)

        states = tuple(s.strip() for s in text("state").split(",") if s.strip())
        unknown = [s for s in states if s not in State.values]
        if unknown:
            refuse("state", f"未知的状态：{'、'.join(sorted(unknown))}")
            states = tuple(s for s in states if s in State.values)
        channel = text("channel")
        if channel and channel not in Channel.values:
            refuse("channel", f"未知的渠道“{channel}”")
            channel = ""

        def ident(name: str) -> int | None:
            value = params.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            value = text(name)
            if value.isdigit() and len(value) <= 18:
                return int(value)
            if value:
                refuse(name, f"“{value}”不是有效的编号")
            return None

        def moment(name: str, end: bool = False) -> datetime | None:
            value = params.get(name)
            if isinstance(value, datetime):
                return value
            value = text(name)
            if not value:
                return None
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime.combine(day, time.min)
            if parsed is None:
                refuse(name, f"“{value}”不是有效的时间")
                return None
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed

        overdue = text("overdue").lower()
        return cls(
            states=states, channel=channel, category=text("category")[:20],
            region=ident("region"), town=ident("town"), village=ident("village"), grid=ident("grid"),
            department=ident("department"),
            overdue=True if overdue in ("1", "true", "on") else False if overdue in ("0", "false") else None,
            created_after=moment("created_after"), created_before=moment("created_before"),
            q=text("q")[:Q_MAX],
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "", ()) for f in fields(self))

    # --- applying --------------------------------------------------------------------------------
    def apply(self, qs: QuerySet, now: datetime | None = None) -> QuerySet:
        """``qs`` (cases) narrowed by this filter."""
        if self.states:
            qs = qs.filter(state__in=self.states) if len(self.states) > 1 else qs.filter(state=self.states[0])
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.category:
            category_id = category_of(self.category)
            if category_id is None:
                return qs.none()
            qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
        if self.region is not None:
            qs = qs.filter(Q(town_id=self.region) | Q(village_id=self.region) | Q(grid_id=self.region)
                           | Q(microgrid_id=self.region))
        for level in ("town", "village", "grid"):
            if getattr(self, level) is not None:
                qs = qs.filter(**{f"{level}_id": getattr(self, level)})
        if self.department is not None:
            qs = qs.filter(handling_department_id=self.department)
        if self.overdue is not None:
            late = overdue_q(now or timezone.now())
            qs = qs.filter(late) if self.overdue else qs.exclude(late)
        if self.created_after is not None:
            qs = qs.filter(created_at__gte=self.created_after)
        if self.created_before is not None:
            qs = qs.filter(created_at__lt=self.created_before)
        if self.q:
            qs = qs.filter(Q(number__startswith=self.q) | Q(title__icontains=self.q))
        return qs


def category_of(value: str) -> int | None:
    """The id of the category named by ``value``: its code (codes are digits too: a code wins), else its id."""
    by = Q(code=value)
    if value.isdigit() and len(value) <= 18:
        by |= Q(pk=int(value))
    found = dict(Category.objects.filter(by).values_list("code", "pk"))
    if value in found:
        return found[value]
    return next(iter(found.values()), None)


__all__ = ["CaseFilter", "category_of"]
