"""Small helpers the party verbs share: reading ids and text the way every surface sends them."""

from __future__ import annotations

from datetime import date

from jishi.core.errors import ValidationFailed
from jishi.core.ids import pk_of  # noqa: F401 (the party modules import it from here)
from jishi.core.limits import too_long


def name_of(actor) -> str:
    u = actor.user
    return (u.get_full_name() or u.get_username()) if u else "系统"


def text(value, limit: int, field: str, label: str, *, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ValidationFailed(too_long(label, limit, len(value)), field=field)
    return value


def day(value, field: str, label: str) -> date:
    """A date from a form (``YYYY-MM-DD``) or a payload (a date)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(f"请填写正确的{label}（年-月-日）", field=field) from None


def month_of(value, today: date) -> date:
    """The first day of the month ``YYYY-MM`` (default: this month); a bad value is this month."""
    try:
        y, m = str(value or "").split("-")[:2]
        first = date(int(y), int(m), 1)
    except (TypeError, ValueError):
        return today.replace(day=1)
    return first if 2000 <= first.year <= 2100 else today.replace(day=1)


def month_end(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)
