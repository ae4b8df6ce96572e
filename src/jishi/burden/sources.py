"""The Jishi figures a data request may prefill for a village (``RequestField.source``): a small registry, each
computed from records Jishi already holds — the org model (``org.queries.figures``), the ledgers
(``core.ledgers``: the module's own figures) and the indicators (``core.indicators``). A source that cannot be
computed answers None: the field is asked of the village as usual, never invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core import indicators, ledgers
from jishi.org.choices import Level, Role
from jishi.org.models import StaffAssignment
from jishi.org.policy import system_actor
from jishi.org.queries import figures as org_figures


@dataclass(frozen=True)
class Offer:
    """A prefilled value and where it comes from (shown beside the field)."""

    value: str
    basis: str


@dataclass(frozen=True)
class Source:
    code: str
    label: object
    kind: str  # the field kind it fills: int or decimal
    fn: Callable[[object, date], Offer | None]


def _org(attr: str, label: str):
    def fn(village, today: date) -> Offer | None:
        f = org_figures(system_actor(), village)
        value = f.levels.get(Level.GRID, 0) if attr == "grids" else getattr(f, attr)
        return Offer(str(value), f"基础信息库·{label}（{today:%Y-%m-%d}）")
    return fn


def _volunteers(village, today: date) -> Offer | None:
    n = StaffAssignment.objects.filter(village_id=village.pk, role=Role.VOLUNTEER, is_active=True).count()
    return Offer(str(n), f"基础信息库·在册微网格志愿者（{today:%Y-%m-%d}）")


def _cases_year(village, today: date) -> Offer | None:
    led = ledgers.ledger("cases.monthly")
    if led is None or led.figures is None:
        return None
    got = led.figures(village, today.replace(month=1, day=1), today)
    return Offer(str(got["reported"]), f"事件工单·本年受理（{today:%Y}-01-01至{today:%m-%d}）")


def _visit_coverage(village, today: date) -> Offer | None:
    got = indicators.compute("visits.coverage", village, today.replace(month=1, day=1), today)
    if got is None or got.value is None:
        return None
    return Offer(f"{got.value * 100:.1f}", f"入户走访·本年覆盖率%（{got.numerator}/{got.denominator}户）")


SOURCES: dict[str, Source] = {s.code: s for s in [
    Source("org.population", _("常住人口（人）"), "int", _org("residents", "人口")),
    Source("org.households", _("户数（户）"), "int", _org("households", "户数")),
    Source("org.party_members", _("党员人数（人）"), "int", _org("party_members", "党员")),
    Source("org.grids", _("网格数（个）"), "int", _org("grids", "网格")),
    Source("org.volunteers", _("微网格志愿者（人）"), "int", _volunteers),
    Source("org.venues", _("服务阵地（个）"), "int", _org("venues", "服务阵地")),
    Source("cases.year", _("本年事件受理量（件）"), "int", _cases_year),
    Source("visits.coverage", _("本年入户走访覆盖率（%）"), "decimal", _visit_coverage),
]}


def choices() -> list[tuple[str, str]]:
    return [(s.code, str(s.label)) for s in SOURCES.values()]


def offer(code: str, village, today: date | None = None) -> Offer | None:
    """The value of source ``code`` for ``village`` today, or None (unknown source, or nothing to measure)."""
    src = SOURCES.get(code)
    return None if src is None else src.fn(village, today or timezone.localdate())
