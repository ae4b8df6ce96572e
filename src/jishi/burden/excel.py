"""The .xlsx files of the burden app: a ledger (its columns, rows, totals row, the note where the data comes
from) and a request's combined sheet (one row per village). Personal data arrives masked from the ledgers."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jishi.core.ledgers import LedgerTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE = "本台账由系统自动生成，无需重复填报"
FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "rate": "0.00%", "decimal": "0.00"}


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def ledger_xlsx(title: str, region_name: str, first, last, table: LedgerTable, totals_labels: dict) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "台账"
    ws.append([f"{title}（{region_name} {first:%Y-%m-%d}至{last:%Y-%m-%d}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"{NOTE}。{table.note}"])
    ws.append([str(c.label) for c in table.columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append([_cell(v) for v in row])
        for c, cell in zip(table.columns, ws[ws.max_row], strict=False):
            if c.kind in FORMATS:
                cell.number_format = FORMATS[c.kind]
    sums = ["合计"] + [""] * (len(table.columns) - 1)
    for i, c in enumerate(table.columns):
        if c.total and i:
            sums[i] = sum(r[i] or 0 for r in table.rows)
    ws.append(sums)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.append([])
    for key, value in table.totals.items():
        ws.append([str(totals_labels.get(key, key)), value])
    for i, _c in enumerate(table.columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = 16
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def combined_xlsx(req, fields, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["镇(街道)", "村(社区)", "状态", "提交时间", *[f.label for f in fields]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r["town"], r["village"], r["state"], _cell(r["submitted_at"]), *[_typed(f, v) for f, v in
                                                                                      zip(fields, r["values"], strict=True)]])
    info = wb.create_sheet("说明")
    info.append(["编号", req.number])
    info.append(["标题", req.title])
    info.append(["用途", req.purpose])
    info.append(["截止日期", req.deadline.isoformat()])
    info.append(["发起部门", req.department.name if req.department_id else "市级"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _typed(field, value: str):
    """Numbers as numbers in the sheet (so the department can sum them)."""
    if value and field.kind == "int":
        try:
            return int(value)
        except ValueError:
            return value
    if value and field.kind == "decimal":
        try:
            return float(value)
        except ValueError:
            return value
    return value
