"""The verbs of API tokens: create (the token is returned once), revoke, and authenticate a presented key.

A token is ``jsk_<prefix>_<secret>``: ``prefix`` is 8 hex characters stored in clear to find the row,
``secret`` 43 URL-safe characters. The row keeps ``HMAC-SHA256(derived key, token)`` where the key is
derived from SECRET_KEY (``salted_hmac`` with a fixed salt), so a copied database yields no usable token.
Rotating SECRET_KEY invalidates every token.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jishi.core import audit
from jishi.core.actor import PORT, TOKEN, Actor
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.http.scopes import SCOPES
from jishi.org import policy
from jishi.platform.models import ApiToken

# Labels are Chinese strings marked for the catalogue; pages show them with gettext (English too).
PREFIX = "jsk_"
_SALT = "jishi.api.ApiToken.v1"
LAST_USED_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    """HMAC-SHA256 of the whole token under a key derived from SECRET_KEY."""
    return salted_hmac(_SALT, token, algorithm="sha256").hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationFailed(f"未知的权限范围：{'、'.join(unknown)}（可用：{'、'.join(SCOPES)}）", field="scopes")
    if not scopes:
        raise ValidationFailed("令牌至少需要一个权限范围", field="scopes")
    return sorted(set(scopes))


def check_ips(ips: list[str]) -> list[str]:
    out = []
    for ip in ips:
        try:
            out.append(str(ipaddress.ip_network(ip.strip(), strict=False)))
        except ValueError:
            raise ValidationFailed(f"“{ip}”不是有效的 IP 地址或网段", field="allowed_ips")
    return out


def _may_manage(actor: Actor, user) -> bool:
    """The owner, an administrator, or the command line (``jishi token …``: the system, run by the server's operator)."""
    return actor.is_system or actor.user_id == user.pk or actor.has_any(policy.PORT_ADMIN_ROLES)


@transaction.atomic
def create_token(actor, user, name: str, scopes: list[str], *, days: int | None = 365,
                 allowed_ips: list[str] | None = None, client=None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the token text (shown once, never stored).
    ``actor``: an Actor (a User is taken as their session, None as the command line)."""
    actor = policy.as_actor(actor)
    if not _may_manage(actor, user):
        raise PermissionDenied("只能为自己创建令牌（管理员可为他人创建）")
    if not user.is_active:
        raise ValidationFailed(f"账号“{user.get_username()}”已停用，不能创建令牌", field="user")
    if not name.strip():
        raise ValidationFailed("请填写令牌名称（例如对接的系统名）", field="name")
    if days is not None and days < 1:
        raise ValidationFailed("有效天数至少为 1 天", field="days")
    scopes = check_scopes(scopes)
    ips = check_ips(allowed_ips or [])
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - 1 in 4 billion
        prefix = secrets.token_hex(4)
    text = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name.strip(), user=user, scopes=scopes, prefix=prefix, digest=digest(text),
        expires_at=timezone.now() + timedelta(days=days) if days else None, allowed_ips=ips,
        created_by=actor.user, client=client,
    )
    audit.record(actor.user, "api_token.create", token, summary=f"为{user.get_username()}创建接口令牌“{token.name}”",
                 data={"prefix": prefix, "scopes": scopes, "expires_at": token.expires_at, "allowed_ips": ips,
                       "client": getattr(client, "pk", None)})
    return token, text


@transaction.atomic
def revoke_token(actor, token_id: int) -> ApiToken:
    """Revoke a token at once; later requests with it get 401."""
    actor = policy.as_actor(actor)
    token = ApiToken.objects.select_for_update().filter(pk=token_id).select_related("user").first()
    if token is None or not _may_manage(actor, token.user):  # another's token: as an unknown one (no oracle)
        raise NotFound(f"令牌 #{token_id} 不存在")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor.user, "api_token.revoke", token, summary=f"吊销接口令牌“{token.name}”", data={"prefix": token.prefix})
    return token


class TokenRefused(Exception):
    """A presented token is unknown, revoked, expired, from a disallowed address or its user is inactive."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message)
        self.message, self.message_en = message, message_en


def authenticate(text: str, remote_addr: str | None) -> ApiToken:
    """The active token matching ``text``, with its user (and port) loaded; raises TokenRefused.
    What the token may do is its Actor's (``actor_for``)."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] + "_" != PREFIX or len(parts[1]) != 8:
        raise TokenRefused("令牌格式不正确", "malformed token")
    # the user's person comes along (a reporter's name and phone for intake: cases.intake._person, no statement)
    token = (ApiToken.objects.select_related("user", "user__person", "client", "client__region")
             .filter(prefix=parts[1]).first())
    if token is None or not hmac.compare_digest(token.digest, digest(text)):
        raise TokenRefused("令牌无效", "invalid token")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("令牌已吊销", "token revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused("令牌已过期", "token expired")
    if not token.user.is_active:
        raise TokenRefused("令牌所属账号已停用", "user inactive")
    if token.allowed_ips and not _ip_allowed(remote_addr, token.allowed_ips):
        raise TokenRefused(f"不允许从 {remote_addr} 使用此令牌", "address not allowed for this token")
    client = token.client
    if client is not None:
        _check_client(token, client, remote_addr, now)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # At most one write a minute per token; the condition keeps concurrent requests from all writing.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        token.last_used_at = now
        if client is not None:
            type(client).objects.filter(pk=client.pk).update(last_used_at=now)
    return token


def _check_client(token: ApiToken, client, remote_addr: str | None, now) -> None:
    if client.closed_at is not None:
        raise TokenRefused("开放端口已关闭", "port closed")
    if client.expires_at is not None and client.expires_at <= now:
        raise TokenRefused("开放端口已到期", "port expired")
    if client.allowed_ips and not _ip_allowed(remote_addr, client.allowed_ips):
        raise TokenRefused(f"开放端口不允许从 {remote_addr} 访问", "address not allowed for this port")
    if token.user_id != client.account_id:
        raise TokenRefused("开放端口已更换调用身份，此令牌作废，请重新签发", "port account changed; token void")


def actor_for(token: ApiToken, *, kind: str = TOKEN) -> Actor:
    """The Actor of a request made with ``token`` (from ``authenticate``): its user's posts and data scope, the
    token's scopes; through a port, only the scopes the port also has, and the port's region or department in
    place of the account's scope (``policy.narrowed``). Raises TokenRefused when the port's account no longer
    sees the region or department the port is limited to. ``kind``: TOKEN, or OPEN311 for an Open311 key."""
    actor = policy.actor_for_user(token.user, kind=kind, token_scopes=token.scopes)
    client = token.client
    if client is None:
        return actor
    if not policy.covers(actor.scope("view"), client.region, client.department_id):
        raise TokenRefused("开放端口的调用身份已看不到其限定范围，请联系管理员", "port account no longer covers its scope")
    return policy.narrowed(actor, kind=PORT if kind == TOKEN else kind, region=client.region,
                           department_id=client.department_id,
                           token_scopes=set(token.scopes) & set(client.scopes), port_id=client.pk)


def _ip_allowed(addr: str | None, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(addr or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def verify(request, token: str):
    """The platform's token verifier for ``jishi.http.auth.TokenAuth``: the token row, its port's rate limit and
    the request's Actor (the token's user, narrowed by its port). Refusals become 401, a spent limit 429."""
    from jishi.http.auth import RateLimited, Unauthorized
    from jishi.platform import ratelimit

    try:
        row = authenticate(token, request.META.get("REMOTE_ADDR"))
        limit, retry_after = ratelimit.hit_token(row)
        if retry_after is not None:
            raise RateLimited(limit, retry_after)
        return actor_for(row), row
    except TokenRefused as exc:
        raise Unauthorized(exc.message, exc.message_en)
