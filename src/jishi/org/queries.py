"""Read-side queries for pages: everything goes through the viewer's data scope
(``jishi.org.scope.visible``) so a page can never show another user's part of the city."""

from __future__ import annotations

import json
from dataclasses import dataclass

import shapely
from django.db.models import Case, Count, Q, QuerySet, Value, When

from jishi.org.choices import LEVEL_ORDER, Level, Role, VenueKind
from jishi.org.models import Household, PartyOrganization, Person, Region, StaffAssignment, Venue
from jishi.org.scope import scope_for, visible

# Posts that make someone "staff on post": not residents, informants or merchants.
NOT_STAFF = (Role.RESIDENT, Role.INFORMANT, Role.MERCHANT)

VENUE_ORDER = [VenueKind.PARTY_MASS_CENTRE, VenueKind.PIONEER_STATION, VenueKind.NEIGHBOURHOOD_POINT,
               VenueKind.MEDIATION_STUDIO, VenueKind.INFORMANT_STATION]

# Simplification tolerance (degrees) of boundaries sent to maps, by level: big polygons lose detail.
SIMPLIFY = {Level.CITY: 0.002, Level.TOWN: 0.0008, Level.VILLAGE: 0.0003}


def regions(user) -> QuerySet:
    return visible(Region.objects.all(), user)


def get_region(user, region_id: int) -> Region | None:
    """The region if the user may see it, else None (pages answer 404 either way)."""
    return regions(user).select_related("parent").filter(pk=region_id).first()


def tree_roots(user) -> list[Region]:
    """The top of the user's region tree: the visible regions whose parent is not visible.
    The city itself is skipped, so a city commander starts with the towns."""
    scope = scope_for(user)
    if scope.everything:
        qs = Region.objects.filter(level=Level.TOWN)
    else:
        ids = scope.town | scope.village | scope.grid | scope.microgrid
        if not ids:
            return []
        candidates = list(Region.objects.filter(pk__in=ids).values_list("pk", "path"))
        own = {pk for pk, _ in candidates}
        roots = [pk for pk, path in candidates if not any(int(a) in own for a in path.strip("/").split("/")[:-1])]
        qs = Region.objects.filter(pk__in=roots)
    return list(qs.annotate(n_children=Count("children")).order_by("sort", "code"))


def children(user, parent: Region) -> list[Region]:
    """Visible children of a visible region, with how many children each has."""
    qs = regions(user).filter(parent=parent).annotate(n_children=Count("children"))
    return list(qs.order_by("sort", "code"))


def ancestors(region: Region) -> list[Region]:
    """The parent chain from the city down to (not including) ``region``."""
    ids = region.ancestor_ids()[:-1]
    by_id = Region.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def in_region(qs: QuerySet, region: Region) -> QuerySet:
    """Rows of a located model (town/village/grid/microgrid columns) that sit inside ``region``."""
    if region.level == Level.CITY:
        return qs
    return qs.filter(**{f"{region.level}_id": region.pk})


@dataclass
class Figures:
    """The counts shown on a workbench card set or a region page."""

    levels: dict[str, int]
    residents: int
    party_members: int
    households: int
    staff: int
    venues: int

    def level_rows(self) -> list[tuple[str, str, int]]:
        return [(lv.value, lv.label, self.levels.get(lv.value, 0)) for lv in LEVEL_ORDER if lv != Level.CITY]


def figures(user, region: Region | None = None) -> Figures:
    """Counts within the user's scope, optionally narrowed to one (visible) region. 5 queries."""

    def scoped(qs: QuerySet) -> QuerySet:
        qs = visible(qs, user)
        return in_region(qs, region) if region is not None else qs

    region_qs = scoped(Region.objects.all())
    if region is not None:
        region_qs = region_qs.exclude(pk=region.pk)
    levels = dict(region_qs.order_by().values_list("level").annotate(n=Count("id")))
    people = scoped(Person.objects.all()).aggregate(n=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
    return Figures(
        levels=levels,
        residents=people["n"],
        party_members=people["party"],
        households=scoped(Household.objects.all()).count(),
        staff=scoped(StaffAssignment.objects.filter(is_active=True).exclude(role__in=NOT_STAFF)).count(),
        venues=scoped(Venue.objects.all()).count(),
    )


def party_orgs(region: Region) -> list[PartyOrganization]:
    return list(PartyOrganization.objects.filter(region=region).select_related("secretary").order_by("code"))


def venues(user, region: Region, limit: int = 12) -> tuple[list[Venue], int]:
    """The first ``limit`` venues in a region (centres first, then stations, points, studios) and the total."""
    qs = in_region(visible(Venue.objects.all(), user), region)
    rank = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(VENUE_ORDER)], default=Value(99))
    rows = list(qs.select_related("region").annotate(rank=rank).order_by("rank", "name")[:limit])
    return rows, (len(rows) if len(rows) < limit else qs.count())


def staff_in(region: Region) -> list[StaffAssignment]:
    """Active posts placed in the region itself or below it (for a grid: its whole grid force)."""
    qs = StaffAssignment.objects.filter(is_active=True).exclude(role__in=NOT_STAFF)
    qs = in_region(qs, region).select_related("person", "region")
    return list(qs.order_by("role", "person__name"))


def grids(user, within: Region | None = None) -> QuerySet:
    qs = regions(user).filter(level=Level.GRID)
    return in_region(qs, within) if within is not None else qs


# --- maps ------------------------------------------------------------------------------------

def geojson(user, *, parent_id: int | None = None, region_id: int | None = None) -> dict | None:
    """A FeatureCollection of visible boundaries: one region, the children of one, or the tree roots.
    None when the asked-for region is not visible."""
    if region_id is not None:
        region = get_region(user, region_id)
        if region is None:
            return None
        rows = [region]
    elif parent_id is not None:
        parent = get_region(user, parent_id)
        if parent is None:
            return None
        rows = list(regions(user).filter(parent=parent).order_by("sort", "code"))
    else:
        rows = tree_roots(user)
    return {"type": "FeatureCollection", "features": [f for f in map(_feature, rows) if f]}


def _feature(region: Region) -> dict | None:
    if not region.boundary:
        return None
    geometry = region.boundary
    tolerance = SIMPLIFY.get(region.level)
    if tolerance:
        geom = shapely.from_geojson(json.dumps(geometry)).simplify(tolerance, preserve_topology=True)
        geometry = json.loads(shapely.to_geojson(geom, indent=None))
    return {
        "type": "Feature",
        "id": region.pk,
        "geometry": geometry,
        "properties": {"id": region.pk, "name": region.name, "level": region.level, "code": region.code},
    }


# --- people ----------------------------------------------------------------------------------

def search_people(user, q: str) -> QuerySet:
    """People in the user's scope matching ``q``: a full phone or ID number (exact, indexed), a
    4–6 character phone/ID suffix, or a name prefix (an indexed range on ``name``)."""
    q = (q or "").strip()
    qs = visible(Person.objects.all(), user).select_related("village", "grid", "household")
    if not q:
        return qs.order_by("name", "id")
    digits = q.upper()
    if len(digits) == 18 and digits[:17].isdigit():
        cond = Q(id_number=digits)
    elif len(q) == 11 and q.isdigit():
        cond = Q(phone=q)
    elif 4 <= len(digits) <= 6 and digits.rstrip("X").isdigit():
        # Indexed on the generated last-four columns, then narrowed to the full suffix.
        cond = Q(id_last4=digits[-4:], id_number__endswith=digits) | Q(phone_last4=q[-4:], phone__endswith=q)
    else:
        cond = Q(name__gte=q, name__lt=q + "\uffff", name__startswith=q)
    return qs.filter(cond).order_by("name", "id")


def get_person(user, person_id: int) -> Person | None:
    qs = visible(Person.objects.all(), user).select_related("town", "village", "grid", "microgrid", "household", "party_org")
    return qs.filter(pk=person_id).first()


def household_members(user, person: Person) -> list[Person]:
    if person.household_id is None:
        return []
    qs = visible(Person.objects.filter(household_id=person.household_id), user).select_related("household")
    return list(qs.order_by("-is_household_head", "name"))


def posts(user) -> list[tuple[str, str]]:
    """The user's active posts as (role label, place) pairs: ("专职网格员", "A1a网格")."""
    person_id = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if person_id is None:
        return []
    rows = StaffAssignment.objects.filter(person_id=person_id, is_active=True).select_related("region", "department")
    return [(a.get_role_display(), str(a.region or a.department or "")) for a in rows.order_by("id")]
