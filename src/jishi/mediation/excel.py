"""The mediation ledger (人民调解工作台账) as .xlsx, Chinese headers, parties' personal data masked unless the
viewer may see it (the same rule as the pages)."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.org.privacy import mask_id_number, mask_phone

HEADERS = ["编号", "纠纷名称", "类型", "来源", "来源编号", "镇(街道)", "村(社区)", "调解层级", "调解组织", "状态",
           "受理时间", "本级时限", "上交次数", "调解结果", "办结层级", "办结时间", "当事人", "当事人电话", "当事人身份证号",
           "协议内容", "回访次数", "回访履行情况"]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def ledger_xlsx(disputes: QuerySet, *, full: bool, handler) -> bytes:
    """``full``: show phone and ID numbers as stored; ``handler(d)``: who mediates it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "调解台账"
    ws.append(HEADERS)
    rows = disputes.select_related("town", "village", "studio").prefetch_related("parties", "follow_ups")
    for d in rows.iterator(chunk_size=500):
        parties = list(d.parties.all())
        ups = list(d.follow_ups.all())
        ws.append([
            d.number, d.title, d.get_kind_display(), d.get_source_display(), d.source_ref,
            d.town.name if d.town_id else "", d.village.name if d.village_id else "", d.get_level_display(),
            handler(d), d.get_state_display(), _local(d.registered_at), _local(d.due_at), d.escalations,
            d.get_outcome_display() if d.outcome else "", d.get_closed_level_display() if d.closed_level else "",
            _local(d.closed_at), "、".join(f"{p.name}（{p.get_side_display()}）" for p in parties),
            "、".join(p.phone if full else mask_phone(p.phone) for p in parties if p.phone),
            "、".join(p.id_number if full else mask_id_number(p.id_number) for p in parties if p.id_number),
            d.agreement_terms, len(ups), ("履行良好" if ups[-1].holds else "未履行") if ups else "",
        ])
    for col, width in zip("ABCDEFGHIJ", (18, 30, 12, 10, 18, 12, 14, 10, 28, 10), strict=True):
        ws.column_dimensions[col].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
