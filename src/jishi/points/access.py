"""Who may act on the points of a village: whoever holds "manage" on it (org.policy: its cadres, its town's
commanders, the city); merchants their shop. Services take an Actor (a User or None still works during the
bridge: ``as_actor``)."""

from __future__ import annotations

from jishi.core import limits
from jishi.core.actor import Actor
from jishi.core.errors import PermissionDenied
from jishi.core.scope import holds
from jishi.org.models import Person
from jishi.org.policy import as_actor


def manages(actor, place) -> bool:
    """True if ``actor`` runs points where ``place`` (a region or a located row) is: holds "manage" on it."""
    return holds(as_actor(actor), "manage", place)


def require_manager(actor, place, what: str = "管理本村积分") -> None:
    if not manages(actor, place):
        raise PermissionDenied(f"只有本村(社区)干部或上级可以{what}")


def person_of(actor) -> Person | None:
    """The person record of an Actor (or of a User during the bridge); None without one."""
    if isinstance(actor, Actor):
        return Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    try:
        return actor.person if actor is not None and actor.is_authenticated else None
    except Exception:  # no person record
        return None


def user_of(actor):
    """The User to write on a row (``decided_by``, ``raised_by``…) and in the audit trail; None for the system."""
    return actor.user if isinstance(actor, Actor) else actor


def clean(text: str | None, limit: int, *, field: str | None = None, label: str = "") -> str:
    """Free text without NUL or other control characters (PostgreSQL refuses NUL), trimmed. What a person typed
    (``field`` given: its name, ``label`` its Chinese name) is refused over ``limit`` (``jishi.core.limits``);
    a text the service composes itself is cut."""
    text = "".join(ch for ch in (text or "") if ch >= " " or ch in "\n\t").strip()
    if field is not None:
        return limits.check(text, limit, field=field, label=label)
    return text[:limit]
