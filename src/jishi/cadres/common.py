"""Small checks the verbs share: scores, dates, text, regions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from jishi.core import limits
from jishi.core.errors import ValidationFailed
from jishi.org.models import Region

HUNDRED = Decimal(100)


def score(value, field: str, label: str) -> Decimal:
    """A score from 0 to 100 with at most two decimals."""
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为数字", field=field) from None
    if not d.is_finite() or d < 0 or d > HUNDRED:
        raise ValidationFailed(f"{label}须在 0 到 100 之间", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多保留两位小数", field=field)
    return d.quantize(Decimal("0.01"))


def text(value, limit: int, *, field: str, label: str, required: bool = False) -> str:
    v = (value or "").strip()
    if required and not v:
        raise ValidationFailed(f"请填写{label}", field=field)
    return limits.check(v, limit, field=field, label=label)


def day(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationFailed(f"请填写正确的{label}（年-月-日）", field=field) from None


def region(value, levels: tuple[str, ...], field: str, message: str) -> Region:
    r = value if isinstance(value, Region) else None
    if r is None and value not in (None, ""):
        try:
            r = Region.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            r = None
    if r is None or r.level not in levels:
        raise ValidationFailed(message, field=field)
    return r


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on`` (周岁)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
