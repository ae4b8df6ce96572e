"""The weighted progress roll-up (as Decidim's accountability): a parent's progress is the weighted sum of its
children's, weights in percent adding up to exactly 100 among siblings. Pure functions on exact fractions;
the services store the result rounded to 0.01."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDRED = Fraction(100)


class WeightsDontAddUp(ValueError):
    """The weights of one parent's children do not add up to 100%."""

    def __init__(self, parent, total):
        self.parent, self.total = parent, total
        super().__init__(f"子项目权重合计 {float(total):g}%，须为 100%")


def check_weights(weights: Iterable) -> Fraction:
    """The weights as given (each 0–100), refused unless they add up to exactly 100."""
    ws = [Fraction(str(w)) if isinstance(w, (Decimal, float, str)) else Fraction(w) for w in weights]
    if any(w < 0 or w > HUNDRED for w in ws):
        raise ValueError("权重须在 0 到 100 之间")
    total = sum(ws, Fraction(0))
    if total != HUNDRED:
        raise WeightsDontAddUp(None, total)
    return total


def weighted(children: Iterable[tuple]) -> Fraction:
    """Σ weight × progress / 100 over (weight, progress) pairs whose weights add up to 100."""
    pairs = [(Fraction(str(w)), Fraction(str(p))) for w, p in children]
    check_weights(w for w, _ in pairs)
    return sum((w * p for w, p in pairs), Fraction(0)) / HUNDRED


def rollup(nodes: Mapping[int, tuple]) -> dict[int, Fraction]:
    """``nodes``: id → (parent id or None, weight, own progress). Returns id → progress: a leaf's own progress, a
    parent's the weighted sum of its children's. Raises ``WeightsDontAddUp`` naming the first parent whose
    children's weights do not add up to 100."""
    children: dict[int, list[int]] = {}
    for pk, (parent, _w, _p) in nodes.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    out: dict[int, Fraction] = {}

    def visit(pk: int) -> Fraction:  # iterative depth is bounded by the tree's height (a few levels)
        if pk in out:
            return out[pk]
        kids = children.get(pk)
        if not kids:
            out[pk] = Fraction(str(nodes[pk][2]))
            return out[pk]
        pairs = [(nodes[k][1], visit(k)) for k in sorted(kids)]
        try:
            check_weights(w for w, _ in pairs)
        except WeightsDontAddUp as exc:
            raise WeightsDontAddUp(pk, exc.total) from None
        out[pk] = sum((Fraction(str(w)) * p for w, p in pairs), Fraction(0)) / HUNDRED
        return out[pk]

    for pk in nodes:
        visit(pk)
    return out


def stored(value: Fraction) -> Decimal:
    """The value as stored (two decimals, half up)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
