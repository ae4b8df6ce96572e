"""Data scope: one mechanism, deny by default.

A ``Scope`` says which part of the city a user may see. ``restrict(queryset, scope)`` filters any
queryset whose model declares ``scope_fields`` — a mapping from scope dimension to an indexed
column (denormalised ancestor columns, so every filter is an equality/IN lookup):

    scope_fields = {"town": "town_id", "village": "village_id", "grid": "grid_id",
                    "microgrid": "microgrid_id", "department": "department_id", "person": "person_id"}

A model may instead define a classmethod ``scope_filter(scope) -> Q | None`` (None: nothing visible).
A model without either, or a scope that grants nothing, yields an empty queryset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

DIMENSIONS = ("town", "village", "grid", "microgrid", "department", "person")


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    town: frozenset[int] = field(default_factory=frozenset)
    village: frozenset[int] = field(default_factory=frozenset)
    grid: frozenset[int] = field(default_factory=frozenset)
    microgrid: frozenset[int] = field(default_factory=frozenset)
    department: frozenset[int] = field(default_factory=frozenset)
    person: frozenset[int] = field(default_factory=frozenset)

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

    def union(self, other: Scope) -> Scope:
        return Scope(
            everything=self.everything or other.everything,
            **{d: getattr(self, d) | getattr(other, d) for d in DIMENSIONS},
        )


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def restrict(qs: QuerySet, scope: Scope) -> QuerySet:
    """Filter ``qs`` to what ``scope`` may see. Deny by default."""
    custom = getattr(qs.model, "scope_filter", None)
    if custom is not None:  # a model whose visibility is more than columns (e.g. cases assigned to departments)
        q = custom(scope)
        return qs.none() if q is None else qs.filter(q)
    fields = getattr(qs.model, "scope_fields", None)
    if fields is None:
        return qs if scope.everything else qs.none()
    q = scope.q(fields)
    if q is None:
        return qs.none()
    return qs.filter(q).distinct() if any("__" in c for c in fields.values()) and not scope.everything else qs.filter(q)
