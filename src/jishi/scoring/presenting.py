"""Board rows as the pages, exports and API show them: one shape for a frozen board and a live one."""

from __future__ import annotations

from dataclasses import dataclass, field

from jishi.cases import figures
from jishi.scoring.boards import live_board
from jishi.scoring.indicators import INDICATORS, indicators_for
from jishi.scoring.models import Board, BoardRow, Scheme
from jishi.scoring.periods import Month
from jishi.scoring.schemes import scheme_for


@dataclass
class Cell:
    key: str
    label: str
    num: int
    den: int | None
    value: float | None
    low: float | None
    high: float | None
    partial: int = 0

    @property
    def is_rate(self) -> bool:
        return self.den is not None

    @property
    def percent(self) -> str:
        return "—" if self.value is None else (f"{self.value * 100:.1f}%" if self.is_rate else str(int(self.value)))

    @property
    def interval(self) -> str:
        return "" if self.low is None else f"{self.low * 100:.0f}–{self.high * 100:.0f}%"


@dataclass
class Row:
    unit_id: int
    name: str
    volume: int
    score: float | None
    rank: int | None
    grade: str
    cells: list[Cell] = field(default_factory=list)
    previous_rank: int | None = None


@dataclass
class BoardView:
    unit_type: str
    month: Month
    scheme: Scheme
    scheme_version: int
    board: Board | None  # None: computed live
    rows: list[Row]

    @property
    def ranked(self) -> list[Row]:
        """The units on the ranking: enough cases (the scheme's minimum volume) and a score."""
        return [r for r in self.rows if r.rank is not None]

    @property
    def too_few(self) -> list[Row]:
        """Units with cases but fewer than the minimum: shown apart as 样本不足, not ranked."""
        return [r for r in self.rows if r.rank is None and r.volume > 0]

    @property
    def idle(self) -> list[Row]:
        """Units that received no case in the period: left off the board (only counted)."""
        return [r for r in self.rows if r.volume == 0]

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(i.key, str(i.label)) for i in indicators_for(self.unit_type)]

    @property
    def notes(self) -> list[tuple[str, str, str]]:
        """(key, label, definition) of each indicator on the board: the footnote (``jishi.cases.figures``)."""
        return [(i.key, str(i.label), figures.definition(i.key)) for i in indicators_for(self.unit_type)]

    @property
    def formula(self) -> str:
        """The scheme in words: 受理量×0.10 + 办结率×0.30 + (1−返工率)×0.30 …"""
        parts = []
        for t in self.scheme.terms:
            ind = INDICATORS.get(t["indicator"])
            name = str(ind.label) if ind else t["indicator"]
            parts.append(f"{'(1−' + name + ')' if t.get('invert') else name}×{t['weight']:.2f}")
        return " + ".join(parts)


def _cells(unit_type: str, figures: dict) -> list[Cell]:
    out = []
    for ind in indicators_for(unit_type):
        f = figures.get(ind.key) or {}
        out.append(Cell(ind.key, str(ind.label), f.get("num", 0), f.get("den"), f.get("value"),
                        f.get("low"), f.get("high"), f.get("partial", 0)))
    return out


def board_view(unit_type: str, month: Month, scheme_code: str | None = None) -> BoardView:
    """The published board of the month if there is one, else the live computation."""
    scheme = scheme_for(unit_type, scheme_code)
    board = Board.objects.filter(unit_type=unit_type, month=str(month), scheme__code=scheme.code).select_related(
        "scheme").order_by("-scheme__version").first()
    prev = previous_ranks(unit_type, month, scheme)
    if board is not None:
        rows = [Row(r.unit_id, r.unit_name, r.volume, r.score, r.rank, r.grade, _cells(unit_type, r.figures),
                    prev.get(r.unit_id)) for r in board.rows.order_by("rank", "-score", "unit_name")]
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.score or -1), r.name))
        return BoardView(unit_type, month, board.scheme, board.scheme_version, board, rows)
    live = live_board(unit_type, month, scheme)
    rows = [Row(s.unit.unit_id, s.unit.name, s.unit.volume, s.score, s.rank, s.grade,
                _cells(unit_type, {k: f.as_json() for k, f in s.unit.figures.items()}), prev.get(s.unit.unit_id))
            for s in live.rows]
    return BoardView(unit_type, month, scheme, scheme.version, None, rows)


def previous_ranks(unit_type: str, period, scheme: Scheme) -> dict[int, int | None]:
    """unit id → rank on the previous period's board (上月排名): the published board of that period, or its live
    computation when none was published (a month is never left without its previous ranks)."""
    prev = period.previous()
    rows = dict(BoardRow.objects.filter(board__unit_type=unit_type, board__month=str(prev),
                                        board__scheme__code=scheme.code).values_list("unit_id", "rank"))
    if rows:
        return rows
    return {s.unit.unit_id: s.rank for s in live_board(unit_type, prev, scheme).rows}


@dataclass
class TrendPoint:
    period: str
    score: float | None
    rank: int | None
    published: bool = False  # a board of the period was published (the unit may still have had no score)
    x: float = 0.0
    y: float = 0.0


def trend_view(unit_type: str, unit_id: int, period, n: int = 6, width: int = 240, height: int = 64) -> dict:
    """A unit's score and rank on the published boards of the ``n`` periods up to ``period`` (the same kind:
    months, quarters or years), with the points of an inline SVG line of the scores (0–100, top is 100)."""
    from jishi.scoring.boards import trend

    rows = trend(unit_type, unit_id, period, n)
    published = set(Board.objects.filter(unit_type=unit_type, month__in=[p for p, _, _ in rows])
                    .values_list("month", flat=True))
    points = [TrendPoint(p, score, rank, p in published) for p, score, rank in rows]
    step = width / max(len(points) - 1, 1)
    for i, pt in enumerate(points):
        pt.x = round(i * step, 1)
        pt.y = round(height - 4 - (pt.score or 0) / 100 * (height - 8), 1)
    shown = [pt for pt in points if pt.score is not None]
    return {"points": points, "line": " ".join(f"{pt.x},{pt.y}" for pt in shown), "dots": shown,
            "width": width, "height": height}
