"""Excel (.xlsx) downloads of the lists people work from, streamed: openpyxl's write-only workbook writes each
row to a temporary file as it comes (memory stays flat at city scale) and the finished file is sent in chunks.
Callers pass rows already filtered by ``restrict()`` and the page's filters, and already masked as the page is."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

MAX_ROWS = 1_048_575  # Excel's limit below the header row


def write_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence[int] = ()):
    """A temporary file holding the workbook (positioned at its start)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31])
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            break
        ws.append(["" if v is None else v for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the FileResponse, which closes it)
    wb.save(out)
    out.seek(0)
    return out


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *,
                  widths: Sequence[int] = ()) -> FileResponse:
    """The download: ``filename`` (may be Chinese) as an attachment, never cached by a shared cache."""
    response = FileResponse(write_xlsx(sheet, headers, rows, widths=widths),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
