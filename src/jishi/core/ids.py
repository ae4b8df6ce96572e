"""Reading a row id the way every surface sends it (a form field, a path segment, a JSON number)."""

from __future__ import annotations


def pk_of(value) -> int | None:
    """A row id from a form or a payload ("12", 12), or None for what cannot name a row ("", "x", "-1", 2**70)."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= 2**53 else None
