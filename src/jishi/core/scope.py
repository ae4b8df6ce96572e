"""Data scope: one mechanism, deny by default.

A ``Scope`` says which part of the city an actor may reach for one action (``view``, ``manage``, …; the
Actor carries one per action, worked out by ``jishi.org.policy``). Every scoped model's manager is a
``ScopedQuerySet``: ``Model.objects.restrict(actor, action)`` is the part of the table the actor may
reach, and ``holds(actor, action, obj)`` says the same of one object. The two always agree (the scope
matrix test proves it on a generated city).

A model declares ``scope_fields`` — a mapping from scope dimension to an indexed column (denormalised
ancestor columns, so every filter is an equality/IN lookup):

    scope_fields = {"town": "town_id", "village": "village_id", "grid": "grid_id",
                    "microgrid": "microgrid_id", "department": "department_id", "person": "person_id",
                    "user": "user_id"}

A model whose visibility is more than columns (cases: regions, or departments assigned, or the reporter)
defines a classmethod ``scope_q(scope, action) -> Q | None`` (None: nothing) and, for ``holds`` without a
query, ``scope_contains(scope, action, obj) -> bool``. A model with neither is visible to the city level
only. A scope that grants nothing yields nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, QuerySet

DIMENSIONS = ("town", "village", "grid", "microgrid", "department", "person", "user")
REGION_DIMENSIONS = ("town", "village", "grid", "microgrid")


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    town: frozenset[int] = field(default_factory=frozenset)
    village: frozenset[int] = field(default_factory=frozenset)
    grid: frozenset[int] = field(default_factory=frozenset)
    microgrid: frozenset[int] = field(default_factory=frozenset)
    department: frozenset[int] = field(default_factory=frozenset)
    person: frozenset[int] = field(default_factory=frozenset)
    user: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not self.everything and not any(getattr(self, d) for d in DIMENSIONS)

    def q(self, scope_fields: dict[str, str]) -> Q | None:
        """The filter for a model with these scope fields; None means 'nothing visible'."""
        if self.everything:
            return Q()
        q: Q | None = None
        for dim in DIMENSIONS:
            ids = getattr(self, dim)
            column = scope_fields.get(dim)
            if ids and column:
                part = Q(**{f"{column}__in": sorted(ids)})
                q = part if q is None else q | part
        return q

    @property
    def regional(self) -> bool:
        """Whether the scope reaches any region or department (staff), not only own records."""
        return self.everything or any(getattr(self, d) for d in (*REGION_DIMENSIONS, "department"))

    def contains_row(self, scope_fields: dict[str, str], obj) -> bool:
        """``q(scope_fields)`` evaluated on one object whose scope columns are direct (no ``__``)."""
        if self.everything:
            return True
        for dim in DIMENSIONS:
            ids = getattr(self, dim)
            column = scope_fields.get(dim)
            if ids and column and getattr(obj, column) in ids:
                return True
        return False

    def union(self, other: Scope) -> Scope:
        return Scope(
            everything=self.everything or other.everything,
            **{d: getattr(self, d) | getattr(other, d) for d in DIMENSIONS},
        )


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_q(model, scope: Scope, action: str = "view") -> Q | None:
    """The filter of ``model``'s rows inside ``scope`` for ``action``; None: nothing; an empty Q: everything."""
    custom = getattr(model, "scope_q", None)
    if custom is not None:
        return custom(scope, action)
    fields = getattr(model, "scope_fields", None)
    if fields is None:
        return Q() if scope.everything else None
    return scope.q(fields)


def _filter(qs: QuerySet, scope: Scope, action: str) -> QuerySet:
    q = scope_q(qs.model, scope, action)
    if q is None:
        return qs.none()
    if not q:
        return qs
    fields = getattr(qs.model, "scope_fields", None) or {}
    joins = any("__" in c for c in fields.values()) and not hasattr(qs.model, "scope_q")
    return qs.filter(q).distinct() if joins else qs.filter(q)


class ScopedQuerySet(QuerySet):
    """The queryset of every scoped model: ``Model.objects.restrict(actor, action)``."""

    def restrict(self, actor, action: str = "view") -> QuerySet:
        """The rows ``actor`` may reach for ``action``. Deny by default."""
        return _filter(self, actor.scope(action), action)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def holds(actor, action: str, obj) -> bool:
    """Whether ``actor`` may ``action`` on ``obj``: the same answer as ``restrict`` for that one row,
    decided in memory where the model's rule allows it, else by one indexed query."""
    scope = actor.scope(action)
    if scope.everything:
        return True
    if scope.empty:
        return False
    model = type(obj)
    contains = getattr(model, "scope_contains", None)
    if contains is not None:
        return contains(scope, action, obj)
    fields = getattr(model, "scope_fields", None)
    if fields is not None and not hasattr(model, "scope_q") and not any("__" in c for c in fields.values()):
        return scope.contains_row(fields, obj)
    return _filter(model._default_manager.filter(pk=obj.pk), scope, action).exists()
