"""The entrance verbs: send a code, enter by phone (log in, or open an account linked to the person record by an
ID check or an invitation), reset a password by code, change one's password, invite a person, open staff
accounts in bulk. Each refuses with a Chinese message (``jishi.core.errors``) and writes an audit row.

Codes: 6 digits, valid ``CODE_MINUTES``, one use, the newest only (sending voids the older), void after
``CODE_TRIES`` wrong tries; a phone with ``PHONE_FAILURES`` wrong codes or ID checks within ``WINDOW`` is locked
until the window passes (sending too). Sending: once a minute and ``DAILY_SENDS`` a day per phone, and
``IP_SENDS`` a minute per caller address (``jishi.core.attempts``: the platform's shared counter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from jishi.accounts import codes, sms
from jishi.accounts.choices import CodePurpose, Origin
from jishi.accounts.models import AccountState, Invitation, SmsCode
from jishi.core import attempts, audit
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from jishi.core.scope import holds
from jishi.org.choices import Role
from jishi.org.imports.report import chunks, require_importer
from jishi.org.models import Person, StaffAssignment
from jishi.org.policy import ENTRANCE_ROLES, STAFF_ROLES, actor_for_user, as_actor
from jishi.org.privacy import mask_phone

CODE_TRIES = 5
PHONE_FAILURES = 10
WINDOW = timedelta(minutes=30)
RESEND = timedelta(seconds=60)
DAILY_SENDS = 10
IP_SENDS = 10


class TooManyAttempts(ServiceError):
    status = 429
    code = "too_many_attempts"


def _code_minutes() -> int:
    return settings.JISHI_SMS_CODE_MINUTES


def _wait(seconds: float, message: str) -> TooManyAttempts:
    seconds = max(1, int(seconds + 0.999))
    return TooManyAttempts(message % {"minutes": max(1, -(-seconds // 60))},
                           details={"retry_after": seconds, "detail_en": "too many attempts"})


def locked_for(phone: str) -> int | None:
    """Seconds until ``phone`` may try codes again, or None."""
    since = timezone.now() - WINDOW
    recent = SmsCode.objects.filter(phone=phone, created_at__gt=since, failures__gt=0)
    total = recent.aggregate(n=Sum("failures"))["n"] or 0
    if total < PHONE_FAILURES:
        return None
    oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
    return max(1, (oldest + WINDOW - timezone.now()).total_seconds())


def _refuse_locked(phone: str) -> None:
    seconds = locked_for(phone)
    if seconds:
        raise _wait(seconds, "错误次数过多，该手机号已暂停验证。请在 %(minutes)s 分钟后再试。")


def accounts_for_phone(phone: str) -> list:
    """The active accounts a phone reaches: its username, or the account of a person registered with it."""
    users = get_user_model().objects.filter(Q(username=phone) | Q(person__phone=phone), is_active=True).distinct()
    return list(users[:3])


def send_code(phone: str, purpose: str, *, ip: str = "") -> int:
    """Send a one-time code to ``phone``; returns its validity in seconds. For a reset, a phone without an
    account is answered the same way but sent nothing (no way to learn who has an account)."""
    phone = codes.phone(phone)
    if purpose not in CodePurpose.values:
        raise ValidationFailed("验证码用途不正确。", field="purpose")
    _refuse_locked(phone)
    if ip and (wait := attempts.hit(f"sms-ip:{ip}", IP_SENDS)):
        raise _wait(wait, "获取验证码过于频繁，请 %(minutes)s 分钟后再试。")
    now = timezone.now()
    last = SmsCode.objects.filter(phone=phone).order_by("-created_at").values_list("created_at", flat=True).first()
    if last and now - last < RESEND:
        raise _wait((last + RESEND - now).total_seconds(), "验证码已发送，请 %(minutes)s 分钟后再重新获取。")
    if SmsCode.objects.filter(phone=phone, created_at__gt=now - timedelta(days=1)).count() >= DAILY_SENDS:
        raise _wait(3600, "该手机号今天获取验证码次数已达上限，请 %(minutes)s 分钟后再试。")
    code = codes.sms_code()
    minutes = _code_minutes()
    silent = purpose == CodePurpose.RESET and not accounts_for_phone(phone)
    with transaction.atomic():
        SmsCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = SmsCode.objects.create(phone=phone, purpose=purpose, digest=codes.digest(phone, purpose, code),
                                     created_at=now, expires_at=now + timedelta(minutes=minutes), ip=ip[:45])
        audit.record(None, "accounts.code_sent", row, summary=f"向 {mask_phone(phone)} 发送{row.get_purpose_display()}验证码",
                     data={"purpose": purpose, "silent": silent})
    if not silent:
        what = "登录/注册" if purpose == CodePurpose.ENTER else "找回密码"
        sms.sender().send(phone, f"【基石】您的{what}验证码为 {code}，{minutes} 分钟内有效，请勿告诉他人。")
    return minutes * 60


def _fail(row: SmsCode) -> None:
    """Count one wrong try on ``row`` (committed even though the caller then refuses)."""
    SmsCode.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    if row.failures + 1 >= CODE_TRIES:
        SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())


def _checked(phone: str, purpose: str, code: str) -> SmsCode:
    """The valid code row ``code`` matches (not yet used), or a refusal that counts a wrong try."""
    _refuse_locked(phone)
    row = SmsCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at").first()
    now = timezone.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ValidationFailed("验证码已失效或已使用，请重新获取。", field="code", code="code_expired")
    given = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
    if not codes.same(codes.digest(phone, purpose, given), row.digest):
        _fail(row)
        raise ValidationFailed("验证码不正确。", field="code", code="code_wrong")
    return row


def _consume(row: SmsCode) -> None:
    if not SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise Conflict("验证码已使用，请重新获取。", code="code_used")


def _password(password: str, user=None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password") from exc


@dataclass
class Entered:
    user: object
    created: bool


def _open_account(phone: str, person: Person, origin: str, password: str) -> object:
    User = get_user_model()
    if User.objects.filter(username=phone).exists():
        raise Conflict("该手机号已注册，请直接登录。", code="account_exists")
    user = User(username=phone, first_name=person.name[:150])
    if password:
        _password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if not Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user):
        raise Conflict("该居民信息已开通账号。", code="person_taken")
    AccountState.objects.create(user=user, origin=origin)
    return user


def enter(phone: str, code: str, *, id_last6: str = "", invitation: str = "", password: str = "",
          ip: str = "") -> Entered:
    """A phone holder proves the phone by ``code``. With an account on the phone: that account (residents,
    informants, merchants, volunteers — staff sign in with their password). Without: a new account linked to
    the person registered with this phone whose ID number ends in ``id_last6``, or to the person an
    ``invitation`` names. A wrong ID check or invitation counts as a wrong try."""
    phone = codes.phone(phone)
    row = _checked(phone, CodePurpose.ENTER, code)
    users = accounts_for_phone(phone)
    if len(users) > 1:
        raise Conflict("该手机号关联多个账号，请使用用户名和密码登录。", code="ambiguous_phone")
    if users:
        user = users[0]
        if not set(actor_for_user(user).roles) <= ENTRANCE_ROLES:
            raise PermissionDenied("工作人员账号请使用用户名和密码登录。", code="staff_account")
        _consume(row)
        audit.record(user, "accounts.sms_login", user, summary=f"{mask_phone(phone)} 短信验证码登录")
        return Entered(user, False)
    invite = codes.normal_invitation(invitation)
    last6 = (id_last6 or "").strip().upper()[:6]
    if not invite and not last6:
        raise ValidationFailed("首次使用请填写身份证号后 6 位，或村(社区)发放的邀请码。", field="id_last6",
                               code="link_needed")
    with transaction.atomic():
        if invite:
            inv = (Invitation.objects.select_for_update().select_related("person")
                   .filter(digest=codes.digest("invite", invite)).first())
            if inv is None or inv.used_at or inv.expires_at <= timezone.now() or inv.person.user_id:
                person = None
            else:
                person = inv.person
        else:
            candidates = Person.objects.filter(phone=phone, user__isnull=True)
            matches = [p for p in candidates[:20] if p.id_number[-6:].upper() == last6 and len(last6) == 6]
            person = matches[0] if len(matches) == 1 else None
            if not candidates.exists():
                raise NotFound("未找到登记此手机号的居民信息。请联系所在村(社区)领取邀请码后注册。", field="phone",
                               code="no_record")
    if person is None:
        _fail(row)
        if invite:
            raise ValidationFailed("邀请码无效、已使用或已过期。", field="invitation", code="invitation_invalid")
        raise ValidationFailed("身份证号后 6 位与登记信息不符。", field="id_last6", code="id_mismatch")
    with transaction.atomic():
        _consume(row)
        user = _open_account(phone, person, Origin.INVITATION if invite else Origin.RESIDENT_SMS, password)
        if invite:
            Invitation.objects.filter(pk=inv.pk).update(used_at=timezone.now(), used_by=user)
            if not person.phone:
                Person.objects.filter(pk=person.pk).update(phone=phone)
        audit.record(user, "accounts.registered", person, summary=f"{mask_phone(phone)} 注册并关联居民信息",
                     data={"origin": "invitation" if invite else "id_check", "user": user.pk})
    return Entered(user, True)


def reset_password(phone: str, code: str, new_password: str) -> object:
    """Set a new password for the one account of ``phone``, proved by a reset code."""
    phone = codes.phone(phone)
    row = _checked(phone, CodePurpose.RESET, code)
    users = accounts_for_phone(phone)
    if len(users) != 1:
        raise Conflict("该手机号没有或关联多个账号，请联系系统管理员重置密码。", code="no_single_account")
    user = users[0]
    _password(new_password, user)
    with transaction.atomic():
        _consume(row)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        AccountState.objects.filter(user=user).update(must_change_password=False, password_changed_at=timezone.now())
        audit.record(user, "accounts.password_reset", user, summary=f"{mask_phone(phone)} 以短信验证码重置密码")
    return user


def change_password(user, old_password: str, new_password: str) -> None:
    """The signed-in user changes their password (the first login of a bulk-opened account must)."""
    if not user.check_password(old_password or ""):
        raise ValidationFailed("原密码不正确。", field="old_password")
    if old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同。", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        AccountState.objects.filter(user=user).update(must_change_password=False, password_changed_at=timezone.now())
        audit.record(user, "accounts.password_changed", user, summary=f"{user.get_username()} 修改密码")


def invite(actor, person: Person) -> tuple[Invitation, str]:
    """A cadre (``manage`` over the person's place) issues an invitation for a person without an account.
    Returns the row and the code (shown once; only its digest is kept)."""
    actor = as_actor(actor)
    if not holds(actor, "manage", person):
        raise NotFound("人员不存在或不在您的管理范围内。")
    if person.user_id:
        raise Conflict("该人员已开通账号。", code="person_has_account")
    code = codes.invitation_code()
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(person=person, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        row = Invitation.objects.create(person=person, digest=codes.digest("invite", codes.normal_invitation(code)),
                                        created_by=actor.user, created_at=now,
                                        expires_at=now + timedelta(days=settings.JISHI_INVITATION_DAYS))
        audit.record(actor.user, "accounts.invited", person, summary=f"为 {person.name} 发放注册邀请码")
    return row, code


@dataclass
class StaffAccount:
    person_id: int
    name: str
    username: str
    password: str
    roles: str


def staff_without_accounts(actor):
    """People with an active staff post and no account yet (what ``open_staff_accounts`` would open)."""
    require_importer(actor)
    posted = StaffAssignment.objects.filter(is_active=True, role__in=STAFF_ROLES).values("person_id")
    return Person.objects.filter(pk__in=posted, user__isnull=True)


def _link(rows: list[StaffAccount]) -> None:
    """Point each person at their new account in a few UPDATEs: the username is the person's phone or
    ``js<person id>``, both found again from the person row itself."""
    User = get_user_model()
    by_phone = [r.person_id for r in rows if not r.username.startswith("js")]
    by_id = [r.person_id for r in rows if r.username.startswith("js")]
    named = Concat(Value("js"), Cast(OuterRef("pk"), output_field=CharField()), output_field=CharField())
    for people, username in ((by_phone, OuterRef("phone")), (by_id, named)):
        account = User.objects.filter(username=username).values("pk")[:1]
        for part in chunks(people):
            Person.objects.filter(pk__in=part).update(user=Subquery(account))


def open_staff_accounts(actor, *, limit: int | None = None) -> list[StaffAccount]:
    """Open an account for every person with an active staff post and none yet (after the people import):
    username the mobile number (else ``js<person id>``), a random initial password returned once (only its
    hash is kept), to be changed at the first login. Roles come from the posts (the Actor reads them)."""
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    people = list(staff_without_accounts(actor).order_by("pk").values("pk", "name", "phone")[:limit])
    if not people:
        return []
    roles: dict[int, set[str]] = {}
    for pid, role in StaffAssignment.objects.filter(
            person_id__in=[p["pk"] for p in people], is_active=True).values_list("person_id", "role"):
        roles.setdefault(pid, set()).add(role)
    phones = [p["phone"] for p in people if codes.PHONE.match(p["phone"] or "")]
    taken = set(User.objects.filter(username__in=phones).values_list("username", flat=True))
    seen: dict[str, int] = {}
    for ph in phones:
        seen[ph] = seen.get(ph, 0) + 1
    rows, users = [], []
    for p in people:
        ph = p["phone"] or ""
        username = ph if ph in seen and seen[ph] == 1 and ph not in taken else f"js{p['pk']}"
        password = codes.initial_password()
        rows.append(StaffAccount(p["pk"], p["name"], username, password, "、".join(sorted(str(Role(r).label) for r in roles.get(p["pk"], ())))))
        users.append(User(username=username, first_name=p["name"][:150],
                          password=make_password(password, hasher="jishi_initial")))
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=1000)
        ids = dict(User.objects.filter(username__in=[r.username for r in rows]).values_list("username", "pk"))
        _link(rows)
        AccountState.objects.bulk_create([AccountState(user_id=ids[r.username], origin=Origin.STAFF_IMPORT,
                                                       must_change_password=True) for r in rows], batch_size=1000)
        audit.record(as_actor(actor).user, "accounts.staff_opened", object_type="auth.user", object_id="bulk",
                     summary=f"为人员导入的在岗人员批量开通账号 {len(rows)} 个（首次登录须修改密码）",
                     data={"count": len(rows), "people": [r.person_id for r in rows[:1000]]})
    return rows
