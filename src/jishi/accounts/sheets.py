"""The spreadsheet of opened staff accounts and their initial passwords (given to the admin once)."""

from __future__ import annotations

import io

from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = ["人员编号", "姓名", "用户名", "初始密码", "岗位角色"]


def staff_accounts_xlsx(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("账号")
    sheet.append(HEAD)
    for r in rows:
        sheet.append([r.person_id, r.name, r.username, r.password, r.roles])
    sheet.append([])
    sheet.append(["初始密码仅显示这一次，首次登录须修改。请妥善分发后删除本文件。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
