"""How long free text may be: one limit per kind of field, the same on the pages (form ``max_length``), in the
API (schema ``max_length``, stated in the OpenAPI document) and on Open311, and enforced once more by the
service that stores it (``check``), so no surface can let a longer text through.

Characters, not bytes. Too long is refused — never cut — with the field named and the limit stated:
a Chinese message on the page, 422 problem+json in the API, 400 in Open311's error list.
"""

from __future__ import annotations

from jishi.core.errors import ValidationFailed

TITLE = 120  # a case's title
DESCRIPTION = 4000  # a case's description (GeoReport v2 allows 4,000 characters: the same on Open311)
ADDRESS = 200
PERSON_NAME = 50
PHONE = 20
NOTE = 2000  # a note on a step of the case loop (accept, handle, verify, supervise …)
REASON = 300  # a reason for a step (reject, return, suspend, reopen, whistle, escalate, extension)
CODE = 20  # a code typed or sent by a program: a category, points item, department or region code
REF = 64  # an external reference number (a 12345 hotline ticket)
FILE_NAME = 120
CURSOR = 200  # an opaque pagination cursor

# points
POINTS_REASON = 200  # why points are awarded or deducted
POINTS_REVERSAL = 150  # why a posting is reversed
POINTS_CLAIM_NOTE = 300  # what a villager did
POINTS_REVIEW_NOTE = 200
POINTS_OBJECTION = 300  # an objection to a board line, and its resolution
POINTS_DECISION = 200  # a policy decision (resolution number)
POINTS_TITLE = 100  # an inspection's title, a store item's name


def check(value: str | None, limit: int, *, field: str, label: str) -> str:
    """``value`` unchanged, or ``ValidationFailed`` naming ``label`` (Chinese) and the limit."""
    if value is not None and len(value) > limit:
        raise ValidationFailed(too_long(label, limit, len(value)), field=field,
                               details={"max_length": limit, "length": len(value)})
    return value


def too_long(label: str, limit: int, length: int | None = None) -> str:
    """The message for a text over its limit."""
    now = f"（现有 {length} 个）" if length is not None else ""
    return f"“{label}”过长：最多 {limit} 个字符{now}"
