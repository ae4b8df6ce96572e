"""Keyset (cursor) pagination: newest first on (created_at, id), an opaque cursor, ``limit`` ≤ 200.

    page = paginate(qs, cursor=cursor, limit=limit)      # {"items": [...], "next_cursor": "…" | None}

The cursor encodes the sort values of the last row returned; the next page is the rows strictly after
it, so pages stay stable while new rows arrive and every page costs one indexed range query.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from ninja import Schema
from pydantic import create_model

from jishi.core.errors import ValidationFailed
from jishi.http.types import _moment

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keys: tuple[str, ...]) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError
        out = [model._meta.get_field(k).to_python(v) for k, v in zip(keys, values, strict=True)]
        if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in out):  # beyond any 64-bit column
            raise ValueError
        return [_moment(v) if isinstance(v, datetime) else v for v in out]  # years 1900–2199, in UTC
    except Exception:
        raise ValidationFailed("分页游标无效，请从第一页重新开始", field="cursor",
                               details={"detail_en": "invalid cursor"})


def _after(keys: tuple[str, ...], values: list[Any], descending: bool) -> Q:
    """Rows strictly after ``values`` in (keys) order: (a < x) or (a = x and b < y) ..."""
    op = "lt" if descending else "gt"
    q = Q()
    for i, key in enumerate(keys):
        part = Q(**{f"{key}__{op}": values[i]}, **{k: values[j] for j, k in enumerate(keys[:i])})
        q = part if i == 0 else q | part
    return q


def paginate(qs: QuerySet, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT,
             keys: tuple[str, ...] = ("created_at", "id"), descending: bool = True) -> dict[str, Any]:
    """One page of ``qs`` ordered by ``keys``; ``{"items", "next_cursor"}``."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"每页条数须在 1 到 {MAX_LIMIT} 之间", field="limit",
                               details={"detail_en": f"limit must be 1..{MAX_LIMIT}"})
    if cursor:
        qs = qs.filter(_after(keys, decode_cursor(cursor, qs.model, keys), descending))
    qs = qs.order_by(*[f"-{k}" if descending else k for k in keys])
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([getattr(rows[-1], k) for k in keys]) if more else None
    return {"items": rows, "next_cursor": next_cursor}


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a page of ``item``."""
    return create_model(f"{item.__name__}Page", __base__=Schema,
                        items=(list[item], ...), next_cursor=(str | None, None))
