"""People and staff import from an Excel workbook made from the template (see ``people_template``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO

from python_calamine import CalamineWorkbook

from jishi.org.imports.people_rows import RowReader
from jishi.org.imports.people_template import HEADERS, write_template
from jishi.org.imports.people_write import count_changes, write_people
from jishi.org.imports.report import ImportReport, require_importer

__all__ = ["HEADERS", "import_people", "read_sheet", "write_template"]


def read_sheet(source: str | Path | IO[bytes]) -> tuple[list[str], list[tuple[int, tuple]]]:
    """The header row and the non-empty data rows of the first sheet, each with the row number
    Excel shows. Read with calamine (Rust): ~30,000 rows/s, about 20× openpyxl's reader."""
    workbook = CalamineWorkbook.from_object(str(source) if isinstance(source, Path) else source)
    try:
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    finally:
        workbook.close()
    if not rows:
        return [], []
    header = [str(h).strip() for h in rows[0]]
    data = [(n, tuple(values)) for n, values in enumerate(rows[1:], 2) if any(v not in (None, "") for v in values)]
    return header, data


def import_people(actor, source: str | Path | IO[bytes], *, dry_run: bool = False) -> ImportReport:
    """Check every row; if all are good (and not ``dry_run``), write households, people and posts."""
    require_importer(actor)
    started = time.perf_counter()
    report = ImportReport(kind="people", dry_run=dry_run)
    try:
        header, data = read_sheet(source)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        report.add(0, "文件", f"无法读取 Excel 文件（.xlsx）：{exc}")
        return report
    report.rows = len(data)
    reader = RowReader(report, header, data)
    if not reader.check_headers():
        return report
    if not data:
        report.add(2, "姓名", "表格中没有数据行")
        return report
    rows = reader.read()
    if report.ok:
        count_changes(rows, report)
        if not dry_run:
            write_people(actor, rows, report)
    report.seconds = time.perf_counter() - started
    return report
