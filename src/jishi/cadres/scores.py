"""The score rules, free of the database (unit-tested alone).

- A round's total score: ``exam × exam_weight / 100 + interview × interview_weight / 100`` (the two weights of
  the round add up to 100), rounded half-up to two decimals.
- The round's ranking: by total score, then the written exam, then the interview (higher first); applicants
  equal in all three share a rank (1, 2, 2, 4).
- A 学看比拼 participant's score from its judges: with 5 or more judges the highest and the lowest score are
  dropped (one each) and the rest averaged; with fewer judges the plain mean. Two decimals, half-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TRIM_FROM = 5  # judges from which the highest and the lowest score are dropped


class WeightsDontAddUp(ValueError):
    pass


def check_weights(exam_weight: int, interview_weight: int) -> None:
    if exam_weight < 0 or interview_weight < 0 or exam_weight + interview_weight != 100:
        raise WeightsDontAddUp(f"笔试和面试权重之和须为 100（现为 {exam_weight + interview_weight}）")


def total(exam: Decimal, interview: Decimal, exam_weight: int, interview_weight: int) -> Decimal:
    check_weights(exam_weight, interview_weight)
    t = (Decimal(exam) * exam_weight + Decimal(interview) * interview_weight) / Decimal(100)
    return t.quantize(CENT, rounding=ROUND_HALF_UP)


def ranking(rows: Iterable[tuple[int, Decimal, Decimal, Decimal]]) -> dict[int, int]:
    """``rows``: (id, total, exam, interview). The rank of each id (ties share a rank, competition style)."""
    ordered = sorted(rows, key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    out: dict[int, int] = {}
    prev, rank = None, 0
    for i, (pk, t, e, iv) in enumerate(ordered, start=1):
        if (t, e, iv) != prev:
            rank, prev = i, (t, e, iv)
        out[pk] = rank
    return out


def judged(scores: Sequence[Decimal]) -> Decimal | None:
    """A participant's score from its judges' scores (None: no score yet)."""
    s = sorted(Decimal(x) for x in scores)
    if not s:
        return None
    if len(s) >= TRIM_FROM:
        s = s[1:-1]
    return (sum(s, Decimal(0)) / len(s)).quantize(CENT, rounding=ROUND_HALF_UP)


def contest_ranking(rows: Iterable[tuple[int, Decimal | None]]) -> dict[int, int | None]:
    """``rows``: (contestant id, score). Ranks by score (ties share); unscored participants get no rank."""
    rows = list(rows)
    scored = sorted(((pk, s) for pk, s in rows if s is not None), key=lambda r: (-r[1], r[0]))
    out: dict[int, int | None] = {pk: None for pk, s in rows if s is None}
    prev, rank = None, 0
    for i, (pk, s) in enumerate(scored, start=1):
        if s != prev:
            rank, prev = i, s
        out[pk] = rank
    return out
