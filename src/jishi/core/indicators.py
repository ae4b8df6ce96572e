"""The registry of computed indicators: figures an app computes from its own records for a region and a period,
offered to whoever evaluates (the smart-community evaluation, ``jishi.evaluation``) without that app being
imported by it. Knows no domain, like ``core.nav`` and ``core.consumers``.

Each app registers its own computations in ``AppConfig.ready()``, keyed by a stable indicator code::

    from jishi.core.indicators import Computed, register_indicator

    def eight_minute(region, first, last) -> Computed:
        ...  # households within 8 minutes' walk of a venue / households
        return Computed(value=covered / total, numerator=covered, denominator=total,
                        basis="8分钟步行可达的住户 / 住户", url=reverse("venues-coverage") + f"?region={region.pk}")

    register_indicator("venues.eight_minute", _("8分钟党群服务圈覆盖率"), eight_minute, app="jishi.venues")

``compute(code, region, first, last)`` answers None while no app has registered ``code``: the caller shows
the indicator as not computed (evidence needed) and never invents a number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Computed:
    """A computed figure: ``value`` (a rate in 0..1, or a count), the records behind it (``numerator`` of
    ``denominator``, ``url`` of the page listing them) and how it was computed (``basis``, in Chinese).
    ``value`` None: nothing to measure in the period (no records), shown as such."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    basis: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    code: str
    label: Any
    fn: Callable[[Any, date, date], Computed]
    app: str = ""
    unit: str = "rate"  # "rate" (0..1) or "count"


_REGISTRY: dict[str, Source] = {}


def register_indicator(code: str, label, fn: Callable[[Any, date, date], Computed], *, app: str = "",
                       unit: str = "rate") -> Source:
    """Offer ``fn(region, first, last) -> Computed`` under ``code`` (registering a code again replaces it)."""
    if unit not in ("rate", "count"):
        raise ValueError(unit)
    src = Source(code, label, fn, app, unit)
    _REGISTRY[code] = src
    return src


def unregister_indicator(code: str) -> None:
    _REGISTRY.pop(code, None)


def source(code: str) -> Source | None:
    return _REGISTRY.get(code)


def registered() -> dict[str, Source]:
    return dict(sorted(_REGISTRY.items()))


def compute(code: str, region, first: date, last: date) -> Computed | None:
    """The figure of ``code`` for ``region`` from ``first`` to ``last`` (dates, inclusive); None if no app
    computes it."""
    src = _REGISTRY.get(code)
    return None if src is None else src.fn(region, first, last)


@contextmanager
def unregistered(*codes: str) -> Iterator[None]:
    """Within the block, ``codes`` are computed by no app (as before the app registering them is installed);
    afterwards the registry is as it was. For specifications of the not-computed path."""
    saved = {code: _REGISTRY.pop(code) for code in codes if code in _REGISTRY}
    try:
        yield
    finally:
        for code in codes:
            _REGISTRY.pop(code, None)
        _REGISTRY.update(saved)
