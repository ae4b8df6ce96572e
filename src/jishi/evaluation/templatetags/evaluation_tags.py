"""Template helpers of the evaluation: stars as text (``{{ 4|stars }}`` → ★★★★☆), percentages, and the cockpit's
tile (``{% evaluation_tile region %}``: the cockpit's template loads it; the cockpit's Python imports nothing of
this app)."""

from __future__ import annotations

from django import template

from jishi.evaluation import queries

register = template.Library()


@register.filter
def stars(value) -> str:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    n = max(0, min(5, n))
    return "★" * n + "☆" * (5 - n)


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def pts(value) -> str:
    return "—" if value is None else f"{value:g}"


@register.inclusion_tag("evaluation/_tile.html")
def evaluation_tile(region):
    return {"t": queries.tile(region), "region": region}
