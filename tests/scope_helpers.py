"""Short names the scope tests read well with: a user's Actor, its data scope, roles, and what it may view."""

from __future__ import annotations

from jishi.core.scope import Scope
from jishi.org.policy import actor_for_user


def visible(qs, user):
    """The part of ``qs`` that ``user``'s session may view (``restrict(actor, "view")``)."""
    return qs.restrict(actor_for_user(user), "view")


def scope_for(user) -> Scope:
    return actor_for_user(user).scope("view")


def roles_of(user) -> list[str]:
    return list(actor_for_user(user).roles)
