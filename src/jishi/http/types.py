"""Shared field types of the API: one definition of "a row id" for every app's endpoints.

A database id is a positive 64-bit integer. Anything outside 1..2**63-1 cannot name a row (and would
overflow SQLite's INTEGER or PostgreSQL's bigint), so it is refused with 422 before any query:

    def get_thing(request, thing_id: PathId): ...          # a path parameter
    class Filters(Schema): grid: Id | None = None           # a query or body field
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from django.conf import settings
from ninja import Field, Path
from pydantic import AfterValidator

from jishi.core import limits

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Code = Annotated[str, Field(max_length=limits.CODE)]  # a department, category, item or region code
# A file of at most UPLOAD_MAX_BYTES in Base64 (4 characters for every 3 bytes): the schema states it.
MAX_BASE64 = 4 * -(-settings.UPLOAD_MAX_BYTES // 3)
Base64File = Annotated[str, Field(max_length=MAX_BASE64,
                                  description=f"文件内容的 Base64；解码后不超过 {settings.UPLOAD_MAX_BYTES // 2**20} MB")]
Cursor = Annotated[str, Field(max_length=limits.CURSOR, description="上一页答复中的 next_cursor")]


def fits_id(value: int) -> bool:
    """True when ``value`` could be a row id."""
    return 1 <= value <= MAX_ID


def _moment(value: datetime) -> datetime:
    """A point in time the city's records can hold: 1900–2199, normalised to UTC (an odd offset such as
    +21:28 on year 60 is valid ISO 8601 but not a time PostgreSQL will compare)."""
    if value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    if not 1900 <= value.year <= 2199:
        raise ValueError("时间须在 1900 年到 2199 年之间")
    return value.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(_moment)]


def id_or_none(value: object) -> int | None:
    """A row id from a page's form or query string ("12"), or None for anything that cannot name a row
    ("abc", "1900-01-01", "-1", 2**70): pages look it up and answer 404 instead of failing (a 500)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if fits_id(number) else None
