"""Who may act on the points of a village: its cadres, its town's commanders, the city; merchants their shop."""

from __future__ import annotations

from jishi.core.errors import PermissionDenied
from jishi.org.models import Person, Region
from jishi.org.scope import scope_for


def manages(user, village_id: int | None, town_id: int | None = None) -> bool:
    """True if ``user`` runs points for this village (village cadre), its town, or the city."""
    if user is None:  # system jobs (signals, demo, commands)
        return True
    scope = scope_for(user)
    return scope.everything or (village_id in scope.village) or (town_id is not None and town_id in scope.town)


def require_manager(user, place: Region | Person, what: str = "管理本村积分") -> None:
    if not manages(user, place.village_id, place.town_id):
        raise PermissionDenied(f"只有本村(社区)干部或上级可以{what}")


def person_of(user) -> Person | None:
    try:
        return user.person if user is not None and user.is_authenticated else None
    except Exception:  # no person record
        return None


def clean(text: str | None, limit: int) -> str:
    """Free text from a form or the API: no NUL or other control characters (PostgreSQL refuses NUL), trimmed, cut."""
    return "".join(ch for ch in (text or "") if ch >= " " or ch in "\n\t").strip()[:limit]
