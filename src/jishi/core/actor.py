"""The Actor: who is acting, built once per request (web session, API token, port, Open311 key) or job.

An ``Actor`` carries what every decision about data scope needs: the user (for the rows it writes and the
name on them), their person record, active posts and roles, the data scope of each action already worked
out, and the narrowing of a token or port (its token scopes; a port limited to a region or department).
It is immutable and nothing of it is written onto the ``User``.

``core`` knows no roles: ``jishi.org.policy`` builds actors (``actor_for_user``, ``system_actor``,
``narrowed``) from the role rules that live there, and only there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jishi.core.scope import EVERYTHING, NOTHING, Scope

SESSION, TOKEN, PORT, OPEN311, SYSTEM, ANONYMOUS = "session", "token", "port", "open311", "system", "anonymous"


@dataclass(frozen=True)
class Post:
    """One active staff post: a role held in a region or a department."""

    role: str
    region_id: int | None
    department_id: int | None


@dataclass(frozen=True, eq=False)
class Actor:
    kind: str
    user: Any = None  # the Django user, for foreign keys and names; None for a system job or an anonymous caller
    person_id: int | None = None
    posts: tuple[Post, ...] = ()
    roles: tuple[str, ...] = ()  # most senior first
    scopes: Mapping[str, Scope] = field(default_factory=dict)  # action → data scope
    token_scopes: frozenset[str] | None = None  # None: every scope (a page session, a system job)
    narrowed: bool = False  # a port limited to a region or department: the account's own records elsewhere are out
    port_id: int | None = None

    # --- who -------------------------------------------------------------------------------------
    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @property
    def is_system(self) -> bool:
        return self.kind == SYSTEM

    @property
    def is_authenticated(self) -> bool:
        return self.kind == SYSTEM or self.user_id is not None

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @property
    def name(self) -> str:
        if self.user is None:
            return "系统"
        return (self.user.get_full_name() or self.user.get_username())[:60]

    def has_role(self, *roles: str) -> bool:
        return self.is_system or any(r in self.roles for r in roles)

    def has_any(self, roles) -> bool:
        return self.is_system or bool(set(self.roles) & set(roles))

    # --- what ------------------------------------------------------------------------------------
    def scope(self, action: str = "view") -> Scope:
        """The data scope of ``action``; an action the policy does not name grants nothing."""
        if self.kind == SYSTEM:
            return EVERYTHING
        return self.scopes.get(action, NOTHING)

    def may_use(self, token_scope: str) -> bool:
        """Whether a token's scopes allow ``token_scope`` (a session and a job carry them all)."""
        return self.token_scopes is None or token_scope in self.token_scopes

    def __repr__(self) -> str:
        return f"<Actor {self.kind} user={self.user_id} roles={','.join(self.roles) or '-'}>"
