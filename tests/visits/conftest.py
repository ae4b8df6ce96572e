"""A village to visit: the test city (tests/factories.py) plus households in the four micro-grids of
village A1, their residents, and the micro-grid staff who visit them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jishi.org.choices import Role
from jishi.org.models import Household, Person, StaffAssignment
from tests.factories import CELL, ORIGIN


@dataclass
class Village:
    city: object
    households: dict  # "A1a1-1" -> Household
    party_volunteer: Person


def _household(city, mg_key: str, k: int, residents: int) -> Household:
    mg = city.regions[mg_key]
    x0, y0 = min(p[0] for p in mg.boundary["coordinates"][0]), min(p[1] for p in mg.boundary["coordinates"][0])
    hh = Household(code=f"HV-{mg_key}-{k:03d}", address=f"{mg.name}{k}号", lng=x0 + CELL * 0.2 * k, lat=y0 + CELL * 0.5)
    hh.place_in(mg)
    hh.save()
    for i in range(residents):
        p = Person(name=f"{mg_key}户{k}成员{i}", household=hh, is_household_head=i == 0, phone=f"1390000{k:02d}{i:02d}")
        p.place_in(mg)
        p.save()
    return hh


@pytest.fixture
def village(city) -> Village:
    """A1a1: 4 households (+ the factory's one), A1a2: 3, A1b1: 2, A1b2: 2; A1a1 has the liaison and
    volunteer logins and a party-member volunteer; A1a2 has no staff (the grid worker takes it);
    A1b has no staff at all (its households go unassigned)."""
    households = {}
    for mg, n in (("A1a1", 4), ("A1a2", 3), ("A1b1", 2), ("A1b2", 2)):
        for k in range(1, n + 1):
            households[f"{mg}-{k}"] = _household(city, mg, k, residents=1 + k % 3)
    party = Person(name="A1a1党员", is_party_member=True)
    party.place_in(city.regions["A1a1"])
    party.save()
    post = StaffAssignment(person=party, role=Role.VOLUNTEER, region=city.regions["A1a1"])
    post.place_in(city.regions["A1a1"])
    post.save()
    assert ORIGIN  # the households sit inside their micro-grids' squares
    return Village(city, households, party)
