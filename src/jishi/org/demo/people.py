"""Residents in households, and the grid force drawn from them ("1+1+1+3+N").

Per micro-grid: households with a location inside it and an address; members with name, gender,
birth date, ID number, phone and party membership (~7%). From the micro-grid's adults come its
liaison and volunteers (the plan's exact party / non-party split) and, in a grid's first
micro-grid, the grid leader and grid worker. Written village by village with ``bulk_create``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from jishi.org.choices import Role
from jishi.org.demo import geometry, names
from jishi.org.demo.bulk import date_adapter, insert_rows
from jishi.org.demo.folk import Folk, household_ages, split_households
from jishi.org.demo.regions import Node, Tree
from jishi.org.models import Household, Person, Region, StaffAssignment

PARTY_RATE_ADULTS = 0.085  # ≈ 7% of all residents
BATCH = 2000


class Resident:
    """A resident before insertion (a plain row: millions of Django instances would cost minutes)."""

    __slots__ = ("name", "gender", "birth_date", "id_number", "phone", "address", "lng", "lat", "is_party_member",
                 "is_household_head", "party_org_id", "household", "region")

    def __init__(self, identity: tuple, household: int, region: tuple, head: bool, address: str, lng: float,
                 lat: float):
        self.name, self.gender, self.birth_date, self.id_number, self.phone = identity
        self.household, self.region, self.is_household_head = household, region, head
        self.address, self.lng, self.lat = address, lng, lat
        self.is_party_member = False
        self.party_org_id = None


PERSON_FIELDS = ["name", "gender", "birth_date", "id_number", "phone", "household", "is_household_head", "address",
                 "lng", "lat", "is_party_member", "party_org", "town", "village", "grid", "microgrid"]
HOUSEHOLD_FIELDS = ["code", "address", "lng", "lat", "is_party_household", "town", "village", "grid", "microgrid"]


@dataclass
class Counts:
    households: int = 0
    residents: int = 0
    assignments: int = 0


def _address(village: Node, mg: Node, k: int, rng: random.Random) -> str:
    town = village.parent.region.name
    prefix = f"{names.CITY_NAME}{town}{village.region.name}"
    estate = mg.parent.plan.estate
    if estate:
        building = 2 * mg.region.sort + 1 + (k % 2)
        unit = rng.randint(1, 3)
        floor = rng.randint(1, 18)
        return f"{prefix}{estate}{building}幢{unit}单元{floor}{rng.randint(1, 4):02d}室"
    return f"{prefix}{mg.plan.name}{k + 1}号"


def _pick(pool: list[Resident], rng: random.Random, k: int) -> list[Resident]:
    chosen = rng.sample(pool, k) if k else []
    ids = {id(p) for p in chosen}
    pool[:] = [p for p in pool if id(p) not in ids]
    return chosen


def _staff(mg: Node, people: list[Resident], rng: random.Random, year: int) -> list[tuple[Resident, str, Region]]:
    """Choose the micro-grid's staff from its adults; fix party flags so the plan's split holds."""
    plan = mg.plan
    adults = [p for p in people if 18 <= year - p.birth_date.year <= 75]
    party = [p for p in adults if p.is_party_member]
    other = [p for p in adults if not p.is_party_member]
    while len(party) < plan.party_volunteers:  # promote a non-party adult (keeps the plan exact)
        p = other.pop(rng.randrange(len(other)))
        p.is_party_member = True
        party.append(p)
    while len(other) < plan.volunteers - plan.party_volunteers:
        p = party.pop(rng.randrange(len(party)))
        p.is_party_member = False
        other.append(p)
    posts: list[tuple[Resident, str, Region]] = []
    posts += [(p, Role.VOLUNTEER, mg.region) for p in _pick(party, rng, plan.party_volunteers)]
    posts += [(p, Role.VOLUNTEER, mg.region) for p in _pick(other, rng, plan.volunteers - plan.party_volunteers)]
    rest = party + other
    if plan.has_liaison:
        posts += [(p, Role.MICROGRID_LIAISON, mg.region) for p in _pick(rest, rng, 1)]
    if mg.region.sort == 0:  # the grid's first micro-grid: grid leader and grid worker live here
        grid = mg.parent
        posts += [(p, Role.GRID_LEADER, grid.region) for p in _pick(rest, rng, 1)]
        if grid.plan.has_worker:
            posts += [(p, Role.GRID_WORKER, grid.region) for p in _pick(rest, rng, 1)]
    return posts


def _where(region: Region) -> tuple:
    return (region.town_id, region.village_id, region.grid_id, region.microgrid_id)


def write_village(village: Node, microgrids: list[Node], folk: Folk, seed: int, grid_orgs: dict[int, int],
                  informant_mgs: set[int], counts: Counts) -> None:
    """Households, residents and the grid force of one village (all its micro-grids)."""
    rng = folk.rng
    year = folk.today.year
    households: list[list] = []  # [code, address, lng, lat, is_party_household, region]
    per_mg: list[tuple[Node, list[Resident]]] = []
    for mg in microgrids:
        sizes = split_households(rng, mg.plan.residents)
        nprng = np.random.default_rng([seed, int(mg.region.code)])
        xs, ys = geometry.sample_points(mg.geom, len(sizes), nprng, geometry.MARGIN)
        mg_people: list[Resident] = []
        where = _where(mg.region)
        for k, size in enumerate(sizes):
            lng, lat = float(xs[k]), float(ys[k])
            address = _address(village, mg, k, rng)
            hh_index = len(households)
            households.append([f"H{mg.region.code}{k + 1:04d}", address, lng, lat, False, mg.region])
            surname = None
            for i, age in enumerate(household_ages(rng, size)):
                p = Resident(folk.identity(age=age, surname=surname if i >= 2 else None), hh_index, where,
                             i == 0, address, lng, lat)
                surname = surname or p.name[0]
                p.is_party_member = age >= 18 and rng.random() < PARTY_RATE_ADULTS
                mg_people.append(p)
        per_mg.append((mg, mg_people))
    posts: list[tuple[Resident, str, Region]] = []
    for mg, mg_people in per_mg:
        posts += _staff(mg, mg_people, rng, year)
        if mg.region.pk in informant_mgs:  # riders and couriers who report on their rounds
            pool = [p for p in mg_people if 20 <= year - p.birth_date.year <= 50 and not p.is_party_member]
            posts += [(p, Role.INFORMANT, mg.region) for p in rng.sample(pool, min(3, len(pool)))]
        party_org_id = grid_orgs[mg.parent.region.pk]
        for p in mg_people:
            if p.is_party_member:
                p.party_org_id = party_org_id
        if mg.plan.post_kind == "party_household":  # 党员中心户: a household with a party member
            first = next((p.household for p in mg_people if p.is_party_member), None)
            if first is not None:
                households[first][4] = True
    insert_rows(Household, HOUSEHOLD_FIELDS, ((*h[:5], *_where(h[5])) for h in households))
    hh_ids = dict(Household.objects.filter(village_id=village.region.pk).values_list("code", "id"))
    hh_pk = [hh_ids[h[0]] for h in households]
    people = [p for _, ps in per_mg for p in ps]
    day = date_adapter()
    insert_rows(Person, PERSON_FIELDS, (
        (p.name, p.gender, day(p.birth_date), p.id_number, p.phone, hh_pk[p.household], p.is_household_head,
         p.address, p.lng, p.lat, p.is_party_member, p.party_org_id, *p.region)
        for p in people))
    staff_ids = {p.id_number for p, _, _ in posts}
    person_pk = dict(Person.objects.filter(village_id=village.region.pk, id_number__in=staff_ids)
                     .values_list("id_number", "id"))
    rows = []
    for person, role, region in posts:
        a = StaffAssignment(person_id=person_pk[person.id_number], role=role, region=region)
        a.place_in(region)
        rows.append(a)
    StaffAssignment.objects.bulk_create(rows, batch_size=BATCH)
    counts.households += len(households)
    counts.residents += len(people)
    counts.assignments += len(rows)


def write_residents(tree: Tree, folk: Folk, seed: int, grid_orgs: dict[int, int], informant_mgs: set[int],
                    progress) -> Counts:
    counts = Counts()
    by_village: dict[int, list[Node]] = {}
    for mg in tree.microgrids:
        by_village.setdefault(mg.parent.parent.region.pk, []).append(mg)
    total = sum(mg.plan.residents for mg in tree.microgrids)
    bar = progress(total=total, desc="居民")
    for village in tree.villages:
        before = counts.residents
        write_village(village, by_village[village.region.pk], folk, seed, grid_orgs, informant_mgs, counts)
        bar.update(counts.residents - before)
    bar.close()
    return counts
