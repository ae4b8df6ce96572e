"""Which roles a host serves (JISHI_HOST_ROLES): the internet-facing resident host and the staff intranet can be
the same code with different allowed roles, so residents never see staff pages there (docs/accounts.md).

Format: ``host=role,role;host=role,…`` — e.g. ``m.example.cn=resident,informant,merchant,volunteer``. A host not
named serves every role."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port

from jishi.org.choices import Role


@lru_cache(maxsize=8)
def _parse(raw: str) -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        host, sep, roles = part.partition("=")
        names = {r.strip() for r in roles.split(",") if r.strip()}
        bad = names - set(Role.values)
        if not sep or not host.strip() or not names or bad:
            raise ImproperlyConfigured(
                f"JISHI_HOST_ROLES: “{part}” is not host=role,role (unknown: {', '.join(sorted(bad)) or '-'}; "
                f"roles: {', '.join(Role.values)})")
        table[host.strip().lower()] = frozenset(names)
    return table


def host_roles() -> dict[str, frozenset[str]]:
    return _parse(getattr(settings, "JISHI_HOST_ROLES", "") or "")


def allowed_roles(host: str) -> frozenset[str] | None:
    """The roles ``host`` (without its port) serves, or None for every role."""
    table = host_roles()
    if not table:
        return None
    domain, _port = split_domain_port(host)
    return table.get(domain or host.lower())


def serves(allowed: frozenset[str] | None, roles) -> bool:
    """Whether a host serving ``allowed`` may serve an account with ``roles`` (all of them allowed)."""
    if allowed is None:
        return True
    return set(roles) <= allowed and bool(roles)
