"""Login throttling kept in the database, so it holds across server processes and machines.

After ``USERNAME_LIMIT`` failed logins for one username, or ``IP_LIMIT`` from one address, within
``WINDOW``, further attempts are refused for ``LOCK`` — even with the right password.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jishi.core import audit
from jishi.security.models import LoginFailure, LoginLock

USERNAME_LIMIT = 5
IP_LIMIT = 20
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or — when the request came through a trusted reverse proxy
    (JISHI_TRUSTED_PROXIES) — the last address in X-Forwarded-For that is not one of those proxies."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR", "")
    trusted = set(getattr(settings, "JISHI_TRUSTED_PROXIES", []) or [])
    if remote in trusted:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:45]
    return remote


def normalise(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str | None, ip: str) -> timezone.datetime | None:
    """When the lock on this username or address ends, or None if attempts are allowed."""
    now = timezone.now()
    keys = [(LoginLock.Kind.USERNAME, normalise(username))] if normalise(username) else []
    if ip:
        keys.append((LoginLock.Kind.IP, ip))
    until = None
    for kind, key in keys:
        row = LoginLock.objects.filter(kind=kind, key=key, until__gt=now).order_by("-until").first()
        if row and (until is None or row.until > until):
            until = row.until
    return until


def refusal_message(until) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return _("登录失败次数过多，已暂停登录。请在 %(minutes)s 分钟后再试，或联系系统管理员。") % {"minutes": minutes}


def record_failure(username: str | None, ip: str) -> LoginLock | None:
    """Count one failed login; lock the username or address when it reaches its limit."""
    now = timezone.now()
    name = normalise(username)
    lock = None
    with transaction.atomic():
        LoginFailure.objects.create(username=name, ip=ip, at=now)
        since = now - WINDOW
        checks = []
        if name:
            checks.append((LoginLock.Kind.USERNAME, name, USERNAME_LIMIT, {"username": name}))
        if ip:
            checks.append((LoginLock.Kind.IP, ip, IP_LIMIT, {"ip": ip}))
        for kind, key, limit, flt in checks:
            if LoginLock.objects.filter(kind=kind, key=key, until__gt=now).exists():
                continue
            # Count only failures since the window opened and since this key's previous lock.
            previous = LoginLock.objects.filter(kind=kind, key=key).order_by("-created_at").first()
            start = max(since, previous.created_at) if previous else since
            if LoginFailure.objects.filter(at__gt=start, **flt).count() >= limit:
                lock = LoginLock.objects.create(kind=kind, key=key, until=now + LOCK)
                audit.record(None, "security.login_locked", lock,
                             summary=f"{kind} {key} 登录失败 {limit} 次，锁定 {int(LOCK.total_seconds() // 60)} 分钟",
                             data={"kind": kind, "key": key, "until": lock.until.isoformat()})
    return lock


def clear_username(username: str | None) -> None:
    """A successful login forgets that username's earlier failures."""
    LoginFailure.objects.filter(username=normalise(username)).delete()


def prune(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete failures and locks older than ``older_than`` (run daily)."""
    cutoff = timezone.now() - older_than
    n, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    m, _ = LoginLock.objects.filter(until__lt=cutoff).delete()
    return n + m
