"""The evaluation as .xlsx, Chinese headers: a community's report (the indicator tree with the computed
figures, the community's and the town's points, reasons, evidence count; then the improvement list), and the
city-wide comparison."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

REPORT_HEADERS = ["编号", "指标", "层级", "分值", "评分方式", "实测值", "分子", "分母", "计算口径", "自评分", "审核分",
                  "调整理由", "最终得分", "否决项", "佐证材料（份）"]


def _bold(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _save(wb: Workbook) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _measured(node) -> str | float:
    s = node.score
    if s is None or not s.computed or s.measured is None:
        return ""
    return round(s.measured * 100, 2) if node.indicator.rule == "rate" else s.measured


def report_xlsx(a, nodes, improve) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "评价明细"
    ws.append(REPORT_HEADERS)
    for n in nodes:
        ind, s = n.indicator, n.score
        if ind.level < 3:
            ws.append([ind.code, ind.name, ind.level, n.max_points, "", "", "", "", "", n.self_points, "", "",
                       n.points, "", ""])
            continue
        how = "系统自动计算" if s and s.computed else ("需上传佐证（自动计算未接入）" if n.pending_source else "佐证材料评分")
        ws.append([ind.code, ind.name, 3, ind.points, how, _measured(n), s.numerator if s else None,
                   s.denominator if s else None, s.basis if s else "", s.self_points if s else None,
                   s.town_points if s else None, s.town_reason if s else "", s.points if s else None,
                   "是" if ind.must_pass else "", len(n.evidence)])
    ws.append([])
    ws.append(["合计", "", "", sum(r.max_points for r in nodes if r.indicator.level == 1), "", "", "", "", "",
               a.self_total, a.town_total, "", a.total, "", ""])
    ws.append(["星级", a.star or "", "", "", "", "", "", "", "", "", "", "", "", "", ""])
    for col, width in zip("ABCDEFGHIJKLMNO", (8, 34, 6, 8, 16, 10, 8, 8, 30, 8, 8, 30, 10, 8, 12), strict=True):
        ws.column_dimensions[col].width = width
    _bold(ws)
    w2 = wb.create_sheet("提升清单")
    w2.append(["编号", "指标", "分值", "得分", "失分", "否决项", "如何提升"])
    for r in improve:
        w2.append([r["code"], r["name"], r["max"], r["points"], r["lost"], "是" if r["must_pass"] else "", r["how"]])
    w2.column_dimensions["B"].width = 30
    w2.column_dimensions["G"].width = 80
    _bold(w2)
    w3 = wb.create_sheet("说明")
    w3.append(["村(社区)", a.village.name])
    w3.append(["镇(街道)", a.town.name if a.town_id else ""])
    w3.append(["评价体系", f"{a.scheme.year}年 {a.scheme.name} v{a.scheme.version}"])
    w3.append(["状态", a.get_state_display()])
    w3.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    return _save(wb)


def comparison_xlsx(scheme, data) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{scheme.year}年度对比"
    ws.append(["名次", "镇(街道)", "村(社区)", "状态", "自评得分", "审核得分", "最终得分", "星级"])
    for r in data["rows"]:
        v = r["village"]
        ws.append([r.get("rank"), v.parent.name if v.parent_id else "", v.name, r["state"], r["self_total"],
                   r["town_total"], r["total"], r["star"]])
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 18
    _bold(ws)
    return _save(wb)
