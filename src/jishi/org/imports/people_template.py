"""The people/staff Excel template: its columns, and writing an empty template with notes."""

from __future__ import annotations

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from jishi.org.choices import Role

# (header, note). Column order in an uploaded file does not matter; headers do.
COLUMNS: list[tuple[str, str]] = [
    ("姓名", "必填"),
    ("性别", "男/女；留空则按身份证号"),
    ("出生日期", "YYYY-MM-DD；留空则按身份证号"),
    ("身份证号", "必填，18 位，按文本填写；已有人员按身份证号更新"),
    ("手机号", "11 位手机号"),
    ("户编号", "同一户的成员填写相同户编号"),
    ("户主", "是/否"),
    ("地址", "居住地址"),
    ("所在微网格编码", "居住的微网格编码（与所在网格编码二选一）"),
    ("所在网格编码", "居住的网格编码（无微网格时填写）"),
    ("经度", "如 120.2851，须在所在区域内"),
    ("纬度", "如 31.8123"),
    ("党员", "是/否"),
    ("岗位", "岗位名称或代码，如 专职网格员 / grid_worker；居民留空"),
    ("岗位区域编码", "岗位所在区域，层级须与岗位相符"),
    ("所属部门编码", "职能部门/派驻单位人员必填"),
    ("条线", "条线或专长，如 城管、水利"),
]
HEADERS = [h for h, _ in COLUMNS]
REQUIRED_HEADERS = ("姓名", "身份证号")
TEXT_COLUMNS = {"身份证号", "手机号", "户编号", "所在微网格编码", "所在网格编码", "岗位区域编码", "所属部门编码"}
POST_ROLES = [r for r in Role if r not in (Role.RESIDENT,)]


def write_template(target: str | IO[bytes]) -> None:
    """Write the empty template (.xlsx) with a header row, drop-down lists and a notes sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(HEADERS)
    ws.freeze_panes = "A2"
    for i, header in enumerate(HEADERS, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if header in REQUIRED_HEADERS else "DDEBF7")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = max(10, len(header) * 2 + 4)
        if header in TEXT_COLUMNS:
            for row in range(2, 1002):  # pre-format as text so long digit strings stay exact
                ws.cell(row=row, column=i).number_format = "@"
    choices = {"性别": "男,女", "户主": "是,否", "党员": "是,否"}
    for header, values in choices.items():
        dv = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        letter = ws.cell(row=1, column=HEADERS.index(header) + 1).column_letter
        dv.add(f"{letter}2:{letter}100000")
        ws.add_data_validation(dv)
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for header, note in COLUMNS:
        notes.append([header, note])
    notes.append([])
    notes.append(["岗位", "代码"])
    for role in POST_ROLES:
        notes.append([str(role.label), role.value])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 60
    wb.save(target)
