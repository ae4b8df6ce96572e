"""Excel (.xlsx) exports with Chinese headers: a board, and the case list behind any number."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.scoring.indicators import UNIT_TYPES
from jishi.scoring.presenting import BoardView

CASE_HEADERS = ["编号", "标题", "渠道", "分类", "状态", "镇(街道)", "村(社区)", "网格", "承办部门", "上报时间",
                "处置时限", "结案时间", "返工次数", "评价"]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _save(wb: Workbook) -> bytes:
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def board_xlsx(view: BoardView) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{UNIT_TYPES[view.unit_type]}{view.month}"[:31]
    headers = ["排名", "单位", "等级", "得分", "受理量"]
    for _key, label in view.labels:
        headers += [label, f"{label}分子", f"{label}分母", f"{label}置信区间"]
    ws.append(headers)
    for r in view.rows:
        line = [r.rank if r.rank is not None else "不参与排名", r.name, r.grade, r.score, r.volume]
        for c in r.cells:
            line += [round(c.value, 4) if c.value is not None and c.is_rate else c.value, c.num,
                     c.den if c.is_rate else "", c.interval]
        ws.append(line)
    ws.append([])
    ws.append([f"方案：{view.scheme.name} v{view.scheme_version}；件数少于 {view.scheme.min_volume} 件的单位不参与排名"])
    return _save(wb)


def cases_xlsx(cases: QuerySet, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "事件"
    ws.append(CASE_HEADERS)
    qs = cases.select_related("category", "town", "village", "grid", "handling_department").order_by("reported_at", "id")
    for c in qs.iterator(chunk_size=2000):
        ws.append([c.number, c.title, c.get_channel_display(), str(c.category), c.get_state_display(),
                   c.town.name if c.town_id else "", c.village.name if c.village_id else "",
                   c.grid.name if c.grid_id else "", c.handling_department.name if c.handling_department_id else "",
                   _local(c.reported_at), _local(c.handle_due_at), _local(c.closed_at), c.rework_count,
                   c.get_rating_display() if c.rating else ""])
    return _save(wb)
