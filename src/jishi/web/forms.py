"""Small helpers for parsing query parameters."""

from __future__ import annotations

from django.http import QueryDict


def int_param(params: QueryDict, name: str) -> int | None:
    """An integer query parameter, or None when missing or not a number."""
    raw = params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None
