"""The wish ledger and the three lists as .xlsx (Chinese headers). The wisher's phone is masked unless the
viewer's role needs it (the same rule as the pages)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.org.privacy import mask_phone

WISH_HEADERS = ["编号", "心愿", "类别", "急难愁盼", "来源", "镇(街道)", "村(社区)", "心愿人", "联系电话", "状态",
                "提出时间", "发布时间", "认领人身份", "认领单位", "认领时间", "完成时间", "完成情况", "确认时间",
                "转办事件"]
NEED_HEADERS = ["编号", "需求", "来源", "来源编号", "镇(街道)", "村(社区)", "状态", "解决项目", "解决时间", "登记时间"]
RESOURCE_HEADERS = ["编号", "提供单位", "类型", "资源内容", "数量", "单位", "镇(街道)", "村(社区)", "登记时间"]
PROJECT_HEADERS = ["编号", "项目名称", "服务品牌", "镇(街道)", "村(社区)", "预算(元)", "完成时限", "状态", "揭榜单位",
                   "进度(%)", "完成时间", "群众评价", "解决需求数"]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _sheet(ws, headers, widths=(18, 30)) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, w in zip("AB", widths, strict=False):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"


def _bytes(wb) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wishes_xlsx(wishes, *, full: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "微心愿台账"
    _sheet(ws, WISH_HEADERS)
    for w in wishes.select_related("town", "village", "case").iterator(chunk_size=1000):
        ws.append([w.number, w.title, w.get_kind_display(), "是" if w.urgent else "", w.get_source_display(),
                   w.town.name if w.town_id else "", w.village.name if w.village_id else "", w.wisher_name,
                   w.wisher_phone if full else mask_phone(w.wisher_phone), w.get_state_display(), _local(w.posted_at),
                   _local(w.published_at), w.get_claimant_kind_display() if w.claimant_kind else "", w.claimant_unit,
                   _local(w.claimed_at), _local(w.fulfilled_at), w.fulfil_note, _local(w.thanked_at),
                   w.case.number if w.case_id else ""])
    return _bytes(wb)


def lists_xlsx(needs, resources, projects) -> bytes:
    """One workbook, three sheets: needs, resources, projects (三张清单)."""
    from django.db.models import Count

    wb = Workbook()
    ws = wb.active
    ws.title = "需求清单"
    _sheet(ws, NEED_HEADERS)
    for n in needs.select_related("town", "village", "closed_by").iterator(chunk_size=1000):
        ws.append([n.pk, n.title, n.get_source_display(), n.source_ref, n.town.name if n.town_id else "",
                   n.village.name if n.village_id else "", n.get_state_display(),
                   n.closed_by.number if n.closed_by_id else "", _local(n.closed_at), _local(n.created_at)])
    ws = wb.create_sheet("资源清单")
    _sheet(ws, RESOURCE_HEADERS, (8, 30))
    for r in resources.select_related("town", "village").iterator(chunk_size=1000):
        ws.append([r.pk, r.provider, r.get_kind_display(), r.description, float(r.quantity), r.unit,
                   r.town.name if r.town_id else "", r.village.name if r.village_id else "", _local(r.created_at)])
    ws = wb.create_sheet("项目清单")
    _sheet(ws, PROJECT_HEADERS, (20, 30))
    for p in projects.select_related("town", "village", "brand").annotate(n_needs=Count("needs")).iterator(chunk_size=1000):
        ws.append([p.number, p.title, p.brand.name if p.brand_id else "", p.town.name if p.town_id else "",
                   p.village.name if p.village_id else "", float(p.budget), p.deadline.isoformat(),
                   p.get_state_display(), p.taker_unit, p.progress, _local(p.completed_at),
                   p.residents_rating or "", p.n_needs])
    return _bytes(wb)
