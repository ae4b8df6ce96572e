"""The registry of ledgers (台账): the periodic reports villages and towns are asked for, generated from records
already in Jishi, never typed twice. Each app offers its own ledger, keyed by a stable code, without the app
that lists, exports and prints ledgers (``jishi.burden``) importing it. Knows no domain, like
``core.indicators``.

An app registers in ``AppConfig.ready()``::

    from jishi.core.ledgers import Column, LedgerTable, register_ledger

    def build(actor, region, first, last) -> LedgerTable:
        rows = Visit.objects.restrict(actor, "view").filter(...).values_list(...)   # the actor's scope
        return LedgerTable(columns=COLUMNS, rows=list(rows), totals={"visits": n, ...})

    def figures(region, first, last) -> dict:
        return {"visits": visits.queries.count_for(region, first, last), ...}  # the module's own figures

    register_ledger("visits.monthly", _("入户走访台账"), build, figures=figures, app="jishi.visits")

``build`` reads through ``restrict(actor, …)`` — a ledger shows only what its reader may see. ``figures``
answers the same totals the way the module's own pages compute them (its named query, not the ledger's
rows): a test per ledger proves ``build(...).totals == figures(...)`` for a region and a month, so a ledger
never disagrees with the module it summarises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

KINDS = ("text", "int", "decimal", "date", "datetime", "rate")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (stable, used in exports and the API), ``label`` (Chinese, lazily translated),
    ``kind`` (one of ``KINDS``: how it is formatted in Excel and print), ``total`` (summed in the totals row)."""

    key: str
    label: Any
    kind: str = "text"
    total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key}: kind {self.kind!r} not in {KINDS}")


@dataclass(frozen=True)
class LedgerTable:
    """What a ledger builds for one region and period: its columns, its rows (tuples in column order) and its
    totals (by key: the headline figures, compared with the module's own in the tests). ``note`` says in
    Chinese where the rows come from."""

    columns: Sequence[Column]
    rows: Sequence[tuple]
    totals: dict[str, float | int] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Ledger:
    code: str
    label: Any
    build: Callable[[Any, Any, date, date], LedgerTable]
    figures: Callable[[Any, date, date], dict] | None = None
    app: str = ""
    order: int = 100
    levels: tuple[str, ...] = ("city", "town", "village")


_REGISTRY: dict[str, Ledger] = {}


def register_ledger(code: str, label, build: Callable[[Any, Any, date, date], LedgerTable], *,
                    figures: Callable[[Any, date, date], dict] | None = None, app: str = "", order: int = 100,
                    levels: tuple[str, ...] = ("city", "town", "village")) -> Ledger:
    """Offer ``build(actor, region, first, last) -> LedgerTable`` under ``code`` (again: replaces it).
    ``levels``: the region levels the ledger is asked of (a village ledger, a town ledger …)."""
    ledger = Ledger(code, label, build, figures, app, order, tuple(levels))
    _REGISTRY[code] = ledger
    return ledger


def unregister_ledger(code: str) -> None:
    _REGISTRY.pop(code, None)


def ledger(code: str) -> Ledger | None:
    return _REGISTRY.get(code)


def registered() -> list[Ledger]:
    """Every registered ledger, in display order (``order``, then code)."""
    return sorted(_REGISTRY.values(), key=lambda led: (led.order, led.code))


def build(code: str, actor, region, first: date, last: date) -> LedgerTable | None:
    """The ledger ``code`` for ``region`` from ``first`` to ``last`` (dates, inclusive) as ``actor`` may see
    it; None when no app offers ``code``."""
    led = _REGISTRY.get(code)
    return None if led is None else led.build(actor, region, first, last)


# --- helpers for the apps that build ledgers (added by burden; the registry above is unchanged) --------------

def bounds(first: date, last: date):
    """The half-open range ``[first 00:00, the day after last 00:00)`` in the city's time zone: what a ledger of
    ``first``..``last`` (inclusive dates) filters its timestamps by."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    tz = timezone.get_default_timezone()
    return (datetime.combine(first, time.min, tzinfo=tz), datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))


def where(region, prefix: str = "") -> dict:
    """Filter keywords for located rows (``town``/``village``/``grid``/``microgrid`` columns) inside ``region``;
    the city: no filter."""
    level = getattr(region, "level", "city")
    if level == "city" or region is None:
        return {}
    return {f"{prefix}{level}_id": region.pk}


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s calendar month."""
    import calendar

    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
