"""Monthly boards: publish a frozen snapshot after the month ends; compute "this month so far" live."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.policy import SCORING_PUBLISHER_ROLES, SCORING_ROLES, as_actor
from jishi.scoring.indicators import UNIT_TYPES, check_unit_type, compute
from jishi.scoring.models import Board, BoardRow, Scheme
from jishi.scoring.periods import Month
from jishi.scoring.schemes import Scored, scheme_for, score_units


def can_view(actor) -> bool:
    """Commanders, village cadres and the admin (``policy.SCORING_ROLES``)."""
    return as_actor(actor).has_any(SCORING_ROLES)


def can_publish(actor) -> bool:
    """The city commander and the admin (``policy.SCORING_PUBLISHER_ROLES``)."""
    return as_actor(actor).has_any(SCORING_PUBLISHER_ROLES)


def require_viewer(actor) -> None:
    if not can_view(actor):
        raise PermissionDenied("只有指挥中心、村(社区)干部和管理员可以查看考核排名")


@dataclass
class LiveBoard:
    """A board computed on request (not stored): the same rows a published board would have."""

    unit_type: str
    month: Month
    scheme: Scheme
    rows: list[Scored]


def live_board(unit_type: str, month: Month, scheme: Scheme | None = None) -> LiveBoard:
    """The board as it stands now (for the current month: "this month so far")."""
    check_unit_type(unit_type)
    scheme = scheme or scheme_for(unit_type)
    units = compute(unit_type, month)
    return LiveBoard(unit_type, month, scheme, score_units(units, scheme))


def publish_board(actor, unit_type: str, month: Month, scheme: Scheme | None = None) -> Board:
    """Freeze the month's board for ``unit_type`` (once per scheme). The month must be over."""
    actor = as_actor(actor)
    if not can_publish(actor):
        raise PermissionDenied("只有市指挥中心或管理员可以发布考核排名")
    if not month.is_over():
        raise ValidationFailed(f"{month} 尚未结束，不能发布；可查看本月实时排名", field="month")
    live = live_board(unit_type, month, scheme)
    try:
        with transaction.atomic():
            board = Board.objects.create(unit_type=unit_type, month=str(month), scheme=live.scheme,
                                         scheme_version=live.scheme.version, published_at=timezone.now(),
                                         published_by=actor.user)
            BoardRow.objects.bulk_create([
                BoardRow(board=board, unit_id=s.unit.unit_id, unit_name=s.unit.name, volume=s.unit.volume,
                         figures={k: f.as_json() for k, f in s.unit.figures.items()},
                         score=s.score, rank=s.rank, grade=s.grade) for s in live.rows])
            audit.record(actor.user, "scoring.publish_board", board,
                         summary=f"发布{UNIT_TYPES[unit_type]}考核排名 {month}（{live.scheme}）",
                         data={"rows": len(live.rows)})
    except IntegrityError:
        raise Conflict(f"{month} 的{UNIT_TYPES[unit_type]}排名已经发布") from None
    return board


def publish_month(actor, month: Month) -> list[Board]:
    """Publish every unit type's board of ``month`` with its default scheme, skipping those already
    published (idempotent: the scheduler may run it twice)."""
    boards = []
    for unit_type in UNIT_TYPES:
        scheme = scheme_for(unit_type)
        if Board.objects.filter(unit_type=unit_type, month=str(month), scheme=scheme).exists():
            continue
        try:
            boards.append(publish_board(actor, unit_type, month, scheme))
        except Conflict:
            continue
    return boards


def trend(unit_type: str, unit_id: int, month: Month, n: int = 6) -> list[tuple[str, float | None, int | None]]:
    """(month, score, rank) of one unit on the published boards of the ``n`` months up to ``month``."""
    months = []
    m = month
    for _ in range(n):
        months.append(str(m))
        m = m.previous()
    rows = dict(((r.board.month), (r.score, r.rank)) for r in
                BoardRow.objects.filter(board__unit_type=unit_type, board__month__in=months, unit_id=unit_id)
                .select_related("board").order_by("board__published_at"))
    return [(mm, *rows.get(mm, (None, None))) for mm in reversed(months)]
