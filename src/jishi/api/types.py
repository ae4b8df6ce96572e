"""Shared field types of the API: one definition of "a row id" for every app's endpoints.

A database id is a positive 64-bit integer. Anything outside 1..2**63-1 cannot name a row (and would
overflow SQLite's INTEGER or PostgreSQL's bigint), so it is refused with 422 before any query:

    def get_thing(request, thing_id: PathId): ...          # a path parameter
    class Filters(Schema): grid: Id | None = None           # a query or body field
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Path

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def fits_id(value: int) -> bool:
    """True when ``value`` could be a row id."""
    return 1 <= value <= MAX_ID
