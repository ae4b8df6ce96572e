"""Second-factor verbs: enrol an authenticator app, confirm it, verify a code, renew recovery codes."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import Conflict, ValidationFailed
from jishi.org.choices import Role
from jishi.org.policy import TOTP_ROLES, as_actor
from jishi.security import totp
from jishi.security.models import RecoveryCode, TOTPDevice

RECOVERY_CODES = 10
SESSION_KEY = "totp_verified"


def second_factor_applies(actor) -> bool:
    """Admins and commanders (``policy.TOTP_ROLES``) use a second factor (once enrolled, or always with
    JISHI_REQUIRE_TOTP). ``actor``: the request's Actor (a User still works)."""
    if actor is None:
        return False
    actor = as_actor(actor)
    return actor.user is not None and actor.has_any(TOTP_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def start_enrolment(user) -> TOTPDevice:
    """Give ``user`` a fresh, unconfirmed secret to scan. Refused if a confirmed device exists."""
    if confirmed_device(user):
        raise Conflict("已启用动态口令；如需更换手机，请先由系统管理员重置。", code="totp_enrolled")
    device, created = TOTPDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


def _new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=_digest(c)) for c in codes])
    return codes


def confirm_enrolment(user, code: str) -> list[str]:
    """Confirm the device with a current code; returns the recovery codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise ValidationFailed("请先打开动态口令设置页面扫描二维码。", field="code")
        if device.confirmed_at:
            raise Conflict("动态口令已启用。", code="totp_enrolled")
        step = totp.match_step(device.secret, code)
        if step is None:
            raise ValidationFailed("动态口令不正确，请核对手机时间后重新输入。", field="code")
        device.confirmed_at, device.last_step = timezone.now(), step
        device.save(update_fields=["confirmed_at", "last_step"])
        codes = _new_recovery_codes(user)
        audit.record(user, "security.totp_enrolled", device, summary=f"{user.get_username()} 启用动态口令")
    return codes


def verify(user, code: str) -> str:
    """Check a TOTP code (each used once) or a recovery code (each used once). Returns "totp" or
    "recovery"; raises ValidationFailed on a wrong or reused code."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationFailed("尚未启用动态口令。", field="code")
    step = totp.match_step(device.secret, code)
    if step is not None:
        # A conditional update: a code (time step) is accepted once, also under concurrent requests.
        if TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step):
            return "totp"
        raise ValidationFailed("该动态口令已使用过，请等待下一个口令。", field="code")
    used = RecoveryCode.objects.filter(user=user, digest=_digest(code), used_at__isnull=True).update(
        used_at=timezone.now())
    if used:
        audit.record(user, "security.recovery_code_used", device, summary=f"{user.get_username()} 使用了恢复码")
        return "recovery"
    raise ValidationFailed("动态口令或恢复码不正确。", field="code")


def renew_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working)."""
    if confirmed_device(user) is None:
        raise Conflict("尚未启用动态口令。", code="totp_not_enrolled")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(user, "security.recovery_codes_renewed", user, summary=f"{user.get_username()} 重新生成恢复码")
    return codes


def reset_device(actor, user) -> None:
    """An administrator removes a user's device (lost phone); the user enrols again."""
    actor = as_actor(actor)
    if not actor.has_role(Role.ADMIN):
        from jishi.core.errors import PermissionDenied

        raise PermissionDenied("只有系统管理员可以重置动态口令。")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit.record(actor.user, "security.totp_reset", user, summary=f"重置 {user.get_username()} 的动态口令")


def issuer() -> str:
    return f"基石 {settings.JISHI_CITY_NAME}"
