"""One-time codes: made with ``secrets``, stored as an HMAC-SHA256 digest under the secret key, compared in
constant time. Phone numbers are normalised to their digits."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

from jishi.core.errors import ValidationFailed

PHONE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def phone(value: str | None) -> str:
    """The 11-digit mobile number in ``value`` (spaces, dashes and +86 allowed), or ValidationFailed."""
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE.match(digits):
        raise ValidationFailed("请输入正确的 11 位手机号码。", field="phone")
    return digits


def sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def invitation_code() -> str:
    raw = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normal_invitation(code: str | None) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()[:16]


def initial_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))


def digest(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
