"""Excel exports (Chinese headers): the blueprint's projects, the fund's projects, an alliance's problem list."""

from __future__ import annotations

from io import BytesIO

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.blueprint.choices import Flag, ProjectKind, ProjectLevel, ProjectStatus


def _book(title: str, headers: list[str], rows, widths=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for r in rows:
        ws.append(r)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def projects_xlsx(items: list[dict]) -> bytes:
    headers = ["编号", "项目名称", "类型", "层级", "所在区域", "镇(街道)", "责任单位", "领办书记", "责任人", "开始日期",
               "完成时限", "权重(%)", "进度(%)", "状态", "督办", "下一节点时限", "上级项目"]
    code_of = {r["id"]: r["code"] for r in items}
    return _book("书记项目", headers, ([
        r["code"], r["title"], str(ProjectKind(r["kind"]).label), str(ProjectLevel(r["level"]).label), r["region__name"],
        r["town__name"] or "", r["owner_name"], r["secretary"], r["responsible"], r["starts_on"], r["ends_on"],
        float(r["weight"]), float(r["progress"]), str(ProjectStatus(r["status"]).label),
        str(Flag(r["flag"]).label) if r["flag"] else "", r["next_due"] or "", code_of.get(r["parent_id"], "")]
        for r in items), (16, 36, 12, 8, 14, 12, 24, 10, 12, 12, 12, 8, 8, 8, 10, 12, 16))


def fund_xlsx(rows: list[dict]) -> bytes:
    headers = ["批次", "项目名称", "镇(街道)", "村(社区)", "状态", "预算(元)", "已拨付(元)", "预期年增收(元)", "实际收益(元)"]
    return _book("共富基金项目", headers, ([
        r["tranche__number"], r["title"], r["town__name"] or "", r["region__name"], r["state_label"], float(r["budget"]),
        float(r["paid"]), float(r["expected_income"]), float(r["income"])] for r in rows),
        (6, 36, 12, 14, 8, 14, 14, 14, 14))


def problems_xlsx(problems) -> bytes:
    headers = ["问题", "领域", "提出成员", "提出时间", "状态", "解决成员", "解决时间", "解决情况", "联建项目"]
    return _book("联盟问题清单", headers, ([
        p.title, str(p.get_field_display()), p.raised_by.name, localtime(p.raised_at).strftime("%Y-%m-%d"), str(p.get_state_display()),
        p.solved_by.name if p.solved_by_id else "", localtime(p.solved_at).strftime("%Y-%m-%d") if p.solved_at else "",
        p.solution, p.joint_project] for p in problems), (36, 12, 18, 12, 8, 18, 12, 40, 24))
