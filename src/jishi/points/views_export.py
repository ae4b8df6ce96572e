"""Excel downloads of the points pages: a public board's ranking and the month's postings behind it, for whoever
may see the board (the page's own rule: ``cadre._board``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jishi.http.xlsx import xlsx_response
from jishi.points import boards
from jishi.points.cadre import _board


@login_required
def board_export(request: HttpRequest, board_id: int) -> HttpResponse:
    """The public board as Excel: its ranking and the month's postings behind it (what the page shows)."""
    board = _board(request, board_id)
    month = f"{board.month:%Y-%m}"
    lines = ([line.rank, line.person_name, line.earned - line.deducted, line.earned, line.deducted, line.honour_total]
             for line in board.lines.all().iterator(chunk_size=2000))
    return xlsx_response(f"{board.village.name}-{month}-积分公示榜.xlsx", f"{month}公示榜",
                         ["名次", "姓名", "本月得分", "本月加分", "本月扣分", "荣誉积分（累计）"], lines,
                         widths=[8, 14, 10, 10, 10, 16])


@login_required
def postings_export(request: HttpRequest, board_id: int) -> HttpResponse:
    """The month's postings of a public board as Excel (date, name, reason, points)."""
    board = _board(request, board_id)
    rows = ([timezone.localtime(p.at).strftime("%Y-%m-%d"), p.person.name if p.person_id else "", p.reason,
             p.honour, p.item.name if p.item_id else ""] for p in boards.board_postings(board).iterator(chunk_size=2000))
    return xlsx_response(f"{board.village.name}-{board.month:%Y-%m}-积分明细.xlsx", "积分明细",
                         ["日期", "姓名", "事由", "分值", "积分项目"], rows, widths=[12, 14, 40, 8, 20])
