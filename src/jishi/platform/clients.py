"""The verbs of open ports (API clients): open, change, close, reopen, issue a token — each audited.

A client narrows its tokens three ways: scopes (a token never carries a scope its client lacks), data
(``policy.port_scope``: the client's region or department, which must lie inside its account's own scope; the
token's Actor is narrowed to it by ``policy.narrowed``) and
network (the client's IP allow-list applies on top of each token's). Closing a client refuses its tokens
at once; so does its expiry.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from jishi.core import audit
from jishi.core.actor import Actor
from jishi.core.errors import NotFound, PermissionDenied, ValidationFailed
from jishi.org import policy
from jishi.org.choices import Level
from jishi.org.models import Department, Region
from jishi.platform import tokens
from jishi.platform.models import ApiClient, ApiToken

REGION_LEVELS = (Level.TOWN, Level.VILLAGE, Level.GRID, Level.MICROGRID)
MAX_RATE_LIMIT = 100_000


def may_manage(actor) -> bool:
    """Only administrators open and close ports (and the command line, as the system)."""
    return policy.as_actor(actor).has_any(policy.PORT_ADMIN_ROLES)


def _require_manager(actor) -> Actor:
    actor = policy.as_actor(actor)
    if not may_manage(actor):
        raise PermissionDenied("只有系统管理员可以开通、调整或关闭开放端口")
    return actor


def _account_covers(client: ApiClient) -> bool:
    """Whether the client's account may itself see the client's region and department."""
    scope = policy.actor_for_user(client.account).scope("view")
    return policy.covers(scope, client.region, client.department_id)


def client_scope(client: ApiClient):
    """Bridge for ``jishi.webhooks.outbox`` until it builds the port's Actor: ``policy.port_scope`` of the client."""
    return policy.port_scope(client.region, client.department_id)


def _clean(client: ApiClient, *, name: str, kind: str, scopes: list[str], allowed_ips: list[str],
           rate_limit: int, expires_at: datetime | None) -> None:
    if not name.strip():
        raise ValidationFailed("请填写对接系统的名称", field="name")
    if kind not in ApiClient.Kind.values:
        raise ValidationFailed(f"未知的端口类型“{kind}”", field="kind")
    if not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise ValidationFailed(f"每分钟请求上限须在 1 到 {MAX_RATE_LIMIT} 之间", field="rate_limit")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("到期时间须晚于现在", field="expires_at")
    client.name, client.kind = name.strip(), kind
    client.scopes = tokens.check_scopes(scopes)
    client.allowed_ips = tokens.check_ips(allowed_ips)
    client.rate_limit, client.expires_at = rate_limit, expires_at
    if client.region_id is not None and client.region.level not in REGION_LEVELS:
        raise ValidationFailed("限定区域须是镇（街道）、村（社区）、网格或微网格；全市请留空", field="region")
    if not client.account.is_active:
        raise ValidationFailed(f"账号“{client.account.get_username()}”已停用", field="account")
    if not _account_covers(client):
        raise ValidationFailed(
            f"调用身份账号“{client.account.get_username()}”自身看不到所限定的区域或部门：请换账号或缩小限定", field="region")


def _snapshot(client: ApiClient) -> dict:
    return {"name": client.name, "kind": client.kind, "account": client.account.get_username(),
            "region": client.region_id, "department": client.department_id, "scopes": client.scopes,
            "allowed_ips": client.allowed_ips, "rate_limit": client.rate_limit, "expires_at": client.expires_at}


@transaction.atomic
def open_client(actor, *, name: str, kind: str, owner, account, scopes: list[str], region: Region | None = None,
                department: Department | None = None, allowed_ips: list[str] | None = None, rate_limit: int = 600,
                expires_at: datetime | None = None, purpose: str = "") -> ApiClient:
    """Open a port for an external system."""
    actor = _require_manager(actor)
    client = ApiClient(owner=owner, account=account, region=region, department=department, purpose=purpose.strip(),
                       opened_by=actor.user)
    _clean(client, name=name, kind=kind, scopes=scopes, allowed_ips=allowed_ips or [], rate_limit=rate_limit,
           expires_at=expires_at)
    client.save()
    audit.record(actor.user, "api_client.open", client, summary=f"开通开放端口“{client.name}”", data=_snapshot(client))
    return client


def _locked(client_id: int) -> ApiClient:
    client = (ApiClient.objects.select_for_update(of=("self",)).select_related("account", "region", "owner")
              .filter(pk=client_id).first())
    if client is None:
        raise NotFound(f"开放端口 #{client_id} 不存在")
    return client


@transaction.atomic
def change_client(actor, client_id: int, *, name: str, kind: str, owner, account, scopes: list[str],
                  region: Region | None, department: Department | None, allowed_ips: list[str], rate_limit: int,
                  expires_at: datetime | None, purpose: str = "") -> ApiClient:
    """Change a port; narrowing its scopes or addresses applies to every token at once."""
    actor = _require_manager(actor)
    client = _locked(client_id)
    before = _snapshot(client)
    client.owner, client.account, client.region, client.department = owner, account, region, department
    client.purpose = purpose.strip()
    _clean(client, name=name, kind=kind, scopes=scopes, allowed_ips=allowed_ips, rate_limit=rate_limit,
           expires_at=expires_at)
    client.save()
    after = _snapshot(client)
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    audit.record(actor.user, "api_client.change", client, summary=f"调整开放端口“{client.name}”", data=changed)
    return client


@transaction.atomic
def close_client(actor, client_id: int, reason: str) -> ApiClient:
    """Close a port: every token of it is refused from the next request on."""
    actor = _require_manager(actor)
    if not reason.strip():
        raise ValidationFailed("请填写关闭原因", field="reason")
    client = _locked(client_id)
    if client.closed_at is not None:
        raise ValidationFailed("此端口已关闭", field="reason")
    now = timezone.now()
    client.closed_at, client.closed_reason = now, reason.strip()[:200]
    client.save(update_fields=["closed_at", "closed_reason", "updated_at"])
    revoked = ApiToken.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(actor.user, "api_client.close", client, summary=f"关闭开放端口“{client.name}”：{client.closed_reason}",
                 data={"reason": client.closed_reason, "tokens_revoked": revoked})
    return client


@transaction.atomic
def reopen_client(actor, client_id: int) -> ApiClient:
    """Reopen a closed port (its old tokens stay revoked; issue new ones)."""
    actor = _require_manager(actor)
    client = _locked(client_id)
    if client.closed_at is None:
        raise ValidationFailed("此端口未关闭", field="client")
    client.closed_at, client.closed_reason = None, ""
    client.save(update_fields=["closed_at", "closed_reason", "updated_at"])
    audit.record(actor.user, "api_client.reopen", client, summary=f"重新开通开放端口“{client.name}”")
    return client


@transaction.atomic
def issue_token(actor, client_id: int, *, name: str, scopes: list[str] | None = None, days: int | None = 365,
                allowed_ips: list[str] | None = None) -> tuple[ApiToken, str]:
    """A new token for an open port; its scopes default to (and may not exceed) the port's."""
    actor = _require_manager(actor)
    client = _locked(client_id)
    if not client.is_open:
        raise ValidationFailed("端口已关闭或已到期，不能签发令牌", field="client")
    scopes = scopes or list(client.scopes)
    beyond = sorted(set(scopes) - set(client.scopes))
    if beyond:
        raise ValidationFailed(f"令牌权限超出端口权限：{'、'.join(beyond)}", field="scopes")
    if days is not None and client.expires_at is not None:
        days = min(days, max(1, (client.expires_at - timezone.now()).days + 1))
    token, text = tokens.create_token(actor, client.account, name or f"{client.name} 令牌", scopes, days=days,
                                      allowed_ips=allowed_ips, client=client)
    return token, text
