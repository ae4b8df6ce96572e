"""Read-side queries for pages: everything goes through the viewer's data scope
(``Model.objects.restrict(actor, "view")``) so a page can never show another user's part of the city.
Each function takes the request's Actor (a User still works during the bridge: ``as_actor``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When

from jishi.core import attempts, audit
from jishi.core.errors import ServiceError, ValidationFailed
from jishi.org import privacy
from jishi.org.choices import LEVEL_ORDER, Level, Role, VenueKind
from jishi.org.models import Household, PartyOrganization, Person, Region, StaffAssignment, Venue
from jishi.org.policy import as_actor, is_city, may_see_personal_data

# Posts that make someone "staff on post": not residents, informants or merchants.
NOT_STAFF = (Role.RESIDENT, Role.INFORMANT, Role.MERCHANT)

VENUE_ORDER = [VenueKind.PARTY_MASS_CENTRE, VenueKind.PIONEER_STATION, VenueKind.NEIGHBOURHOOD_POINT,
               VenueKind.MEDIATION_STUDIO, VenueKind.INFORMANT_STATION]

# Simplification tolerance (degrees) of boundaries sent to maps, by level: big polygons lose detail.
SIMPLIFY = {Level.CITY: 0.002, Level.TOWN: 0.0008, Level.VILLAGE: 0.0003}


def regions(actor) -> QuerySet:
    return Region.objects.restrict(as_actor(actor), "view")


def get_region(actor, region_id: int) -> Region | None:
    """The region if the actor may see it, else None (pages answer 404 either way)."""
    return regions(actor).select_related("parent").filter(pk=region_id).first()


def tree_roots(actor) -> list[Region]:
    """The top of the actor's region tree: the visible regions whose parent is not visible.
    The city itself is skipped, so a city commander starts with the towns. One query."""
    actor = as_actor(actor)
    if is_city(actor):
        qs = Region.objects.filter(level=Level.TOWN)
    else:
        seen = regions(actor)
        qs = seen.exclude(parent_id__in=seen.values("pk"))
    return list(qs.annotate(n_children=Count("children")).order_by("sort", "code"))


def children(actor, parent: Region) -> list[Region]:
    """Visible children of a visible region, with how many children each has."""
    qs = regions(actor).filter(parent=parent).annotate(n_children=Count("children"))
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


def figures(actor, region: Region | None = None) -> Figures:
    """Counts within the actor's scope, optionally narrowed to one (visible) region. 5 queries."""
    actor = as_actor(actor)

    def scoped(qs: QuerySet) -> QuerySet:
        qs = qs.restrict(actor, "view")
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
    """The party organisations of ``region`` itself, each with ``members_direct`` and ``members_total``
    (``party_member_counts``)."""
    orgs = list(PartyOrganization.objects.filter(region=region).select_related("secretary").order_by("code"))
    counts = party_member_counts(orgs)
    for o in orgs:
        o.members_direct, o.members_total = counts[o.pk]
    return orgs


def org_level(org: PartyOrganization) -> str:
    """The level of the region an organisation sits in, from its ancestor columns (no query)."""
    for lv in ("microgrid", "grid", "village", "town"):
        if getattr(org, f"{lv}_id"):
            return lv
    return Level.CITY


def party_members_of(org: PartyOrganization, *, direct: bool = False) -> QuerySet:
    """The party members of ``org`` and the organisations below it (``direct``: of the org alone) — the rows
    behind ``party_member_counts``."""
    members = Person.objects.filter(is_party_member=True)
    if direct:
        return members.filter(party_org=org)
    level = org_level(org)
    if level == Level.CITY:
        return members.filter(party_org__isnull=False)
    return members.filter(**{f"party_org__{level}_id": org.region_id})


def party_member_counts(orgs) -> dict[int, tuple[int, int]]:
    """The ONE member count of party organisations: ``{org id: (direct, total)}``. ``direct``: party members
    whose organisation is the org itself; ``total``: party members whose organisation is the org or any
    organisation below it (the org tree follows the region tree: an organisation below sits in the org's region
    — a village organisation's total is every member of its grid party organisations). One query per level.
    On the generated city a village organisation's total equals its village's party-member figure."""
    orgs = list(orgs)
    members = Person.objects.filter(is_party_member=True)
    ids = [o.pk for o in orgs]
    direct = dict(members.filter(party_org_id__in=ids).values_list("party_org_id").annotate(n=Count("id")).order_by())
    by_level: dict[str, dict[int, list[int]]] = {}
    for o in orgs:
        by_level.setdefault(org_level(o), {}).setdefault(o.region_id, []).append(o.pk)
    total: dict[int, int] = {}
    for level, regions in by_level.items():
        if level == Level.CITY:
            n = members.filter(party_org__isnull=False).count()
            rows = {rid: n for rid in regions}
        else:
            column = f"party_org__{level}_id"
            rows = dict(members.filter(**{f"{column}__in": sorted(regions)}).values_list(column)
                        .annotate(n=Count("id")).order_by())
        for rid, org_ids in regions.items():
            for oid in org_ids:
                total[oid] = rows.get(rid, 0)
    return {o.pk: (direct.get(o.pk, 0), total.get(o.pk, 0)) for o in orgs}


def venues(actor, region: Region, limit: int = 12) -> tuple[list[Venue], int]:
    """The first ``limit`` venues in a region (centres first, then stations, points, studios) and the total."""
    qs = in_region(Venue.objects.restrict(as_actor(actor), "view"), region)
    rank = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(VENUE_ORDER)], default=Value(99))
    rows = list(qs.select_related("region").annotate(rank=rank).order_by("rank", "name")[:limit])
    return rows, (len(rows) if len(rows) < limit else qs.count())


def staff_in(region: Region) -> list[StaffAssignment]:
    """Active posts placed in the region itself or below it (for a grid: its whole grid force)."""
    qs = StaffAssignment.objects.filter(is_active=True).exclude(role__in=NOT_STAFF)
    qs = in_region(qs, region).select_related("person", "region")
    return list(qs.order_by("role", "person__name"))


def grids(actor, within: Region | None = None) -> QuerySet:
    """The grids in the actor's scope; for a micro-grid liaison or volunteer, the grid of their micro-grid (the
    grid-force check is per grid: theirs, not "0 grids")."""
    actor = as_actor(actor)
    qs = regions(actor).filter(level=Level.GRID)
    micro = actor.scope("view").microgrid
    if micro:
        parents = Region.objects.filter(pk__in=sorted(micro)).values("parent_id")
        qs = qs | Region.objects.filter(level=Level.GRID, pk__in=parents)
    return in_region(qs, within) if within is not None else qs


# --- maps ------------------------------------------------------------------------------------

def geojson(actor, *, parent_id: int | None = None, region_id: int | None = None) -> dict | None:
    """A FeatureCollection of visible boundaries: one region, the children of one, or the tree roots.
    None when the asked-for region is not visible."""
    if region_id is not None:
        region = get_region(actor, region_id)
        if region is None:
            return None
        rows = [region]
    elif parent_id is not None:
        parent = get_region(actor, parent_id)
        if parent is None:
            return None
        rows = list(regions(actor).filter(parent=parent).order_by("sort", "code"))
    else:
        rows = tree_roots(actor)
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

class NumberSearchRefused(ValidationFailed):
    """A viewer who sees numbers masked searched by digits (422; pages show the message)."""

    code = "number_search_refused"


class TooManyNumberSearches(ServiceError):
    """Past the per-minute limit of searches by number (429 with ``retry_after``)."""

    status = 429
    code = "rate_limited"

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"按号码查找过于频繁：每分钟最多 {limit} 次，请 {retry_after} 秒后再试", details={
            "retry_after": retry_after, "limit": limit,
            "detail_en": f"at most {limit} searches by number a minute; retry after {retry_after} s"})
        self.limit, self.retry_after = limit, retry_after


NUMBER_SEARCH_REFUSED = ("您的岗位看到的手机号、身份证号是脱敏的，不能按号码或其中几位查找人员（否则脱敏形同虚设）。"
                         "请按姓名查找。")


def search_people(actor, q: str, *, where: str = "page", name_match: str = "prefix") -> QuerySet:
    """People in the actor's scope matching ``q`` — the one rule of the people page and the API (docs/privacy.md).

    - A name: a prefix (an indexed range on ``name``), or ``name_match="contains"`` (the API's 姓名包含).
    - Any digit makes it a search by number. A viewer who sees numbers masked (``policy.may_see_personal_data``
      false: commanders, departments, micro-grid staff, residents) may not search by number at all — not the full
      number, not its last digits — since each answer would confirm a guess of the hidden digits:
      ``NumberSearchRefused``. Whoever may: a full phone or ID number (exact, indexed) or a 4–6 character
      phone/ID suffix; each such search counts against ``JISHI_NUMBER_SEARCH_LIMIT`` a minute per account (page
      and API together; ``TooManyNumberSearches``) and is written to the audit trail with the people it found
      (never the digits searched).
    """
    actor = as_actor(actor)
    q = (q or "").strip()
    qs = Person.objects.restrict(actor, "view").select_related("village", "grid", "household")
    if not q:
        return qs.order_by("name", "id")
    if privacy.number_query(q):
        return _by_number(actor, qs, q, where)
    if name_match == "contains":
        return qs.filter(name__contains=q).order_by("name", "id")
    return qs.filter(name__gte=q, name__lt=q + "\uffff", name__startswith=q).order_by("name", "id")


def _by_number(actor, qs: QuerySet, q: str, where: str) -> QuerySet:
    kind = privacy.number_kind(q)
    if not actor.is_system:
        limit = settings.JISHI_NUMBER_SEARCH_LIMIT
        retry = attempts.hit(f"number-search:u{actor.user_id or 0}", limit)
        if retry is not None:
            raise TooManyNumberSearches(limit, retry)
    role = actor.roles[0] if actor.roles else ""
    if not may_see_personal_data(actor):
        audit.record(actor.user, "person.number_search_refused", object_type="org.person", role=role,
                     summary=f"按号码查找人员被拒绝（{where}）", data={"where": where, "kind": kind})
        raise NumberSearchRefused(NUMBER_SEARCH_REFUSED, field="q", details={
            "detail_en": "your role sees phone and ID numbers masked: searching people by a number or any of its "
                         "digits is not allowed; search by name"})
    digits = q.upper()
    if kind == "id_number":
        cond = Q(id_number=digits) | Q(id_number=digits.lower())
    elif kind == "phone":
        cond = Q(phone=q)
    elif kind == "suffix":
        # Indexed on the generated last-four columns, then narrowed to the full suffix.
        cond = Q(id_last4=digits[-4:], id_number__endswith=digits) | Q(phone_last4=q[-4:], phone__endswith=q)
    else:
        cond = Q(name__startswith=q)  # digits in no form of number: finds nobody, but counts and is recorded
    qs = qs.filter(cond).order_by("name", "id")
    found = list(qs.values_list("pk", flat=True)[:AUDITED_MATCHES + 1])
    audit.record(actor.user, "person.number_search", object_type="org.person", role=role,
                 summary=f"按号码查找人员（{where}）：{len(found) if len(found) <= AUDITED_MATCHES else '50+'} 人",
                 data={"where": where, "kind": kind, "found": found[:AUDITED_MATCHES]})
    return qs


AUDITED_MATCHES = 50  # the people a number search found, named in its audit row


def get_person(actor, person_id: int) -> Person | None:
    qs = Person.objects.restrict(as_actor(actor), "view").select_related("town", "village", "grid", "microgrid", "household", "party_org")
    return qs.filter(pk=person_id).first()


def household_members(actor, person: Person) -> list[Person]:
    if person.household_id is None:
        return []
    qs = Person.objects.restrict(as_actor(actor), "view").filter(household_id=person.household_id).select_related("household")
    return list(qs.order_by("-is_household_head", "name"))


def posts(actor) -> list[tuple[str, str]]:
    """The actor's active posts as (role label, place) pairs: ("专职网格员", "A1a网格")."""
    actor = as_actor(actor)
    if actor.person_id is None:
        return []
    rows = StaffAssignment.objects.filter(person_id=actor.person_id, is_active=True).select_related("region", "department")
    return [(a.get_role_display(), str(a.region or a.department or "")) for a in rows.order_by("id")]
