"""Party fixtures: 陈党员, an in-service party member of 城管局 living in A1 (with an account and no post); the A1
village party organisation and its grid party organisations with members; the A1a grid leader as its secretary."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jishi.org.models import PartyOrganization, Person
from tests.factories import PASSWORD


@pytest.fixture
def orgs(city):
    """Town A → village A1 → grids A1a, A1b (and B1 → B1a), with three members on A1a, two on A1b, one on B1a."""
    def org(key, kind, parent=None):
        r = city.regions[key]
        o = PartyOrganization(code=f"P{r.code}", name=f"{r.name}党组织", kind=kind, region=r, parent=parent)
        o.place_in(r)
        o.save()
        return o

    out = {"A": org("A", "committee")}
    out["A1"] = org("A1", "village_committee", out["A"])
    out["A1a"] = org("A1a", "grid_org", out["A1"])
    out["A1b"] = org("A1b", "grid_org", out["A1"])
    out["B"] = org("B", "committee")
    out["B1"] = org("B1", "village_committee", out["B"])
    out["B1a"] = org("B1a", "grid_org", out["B1"])
    for key, n in (("A1a", 3), ("A1b", 2), ("B1a", 1)):
        for i in range(n):
            p = Person(name=f"{key}党员{i}", is_party_member=True, party_org=out[key], phone=f"1390000{i:04d}")
            p.place_in(city.regions[f"{key}1"])
            p.save()
    return out


@pytest.fixture
def member(city):
    user = get_user_model().objects.create_user("member", password=PASSWORD, first_name="陈党员")
    p = Person(name="陈党员", user=user, phone="13900000009", is_party_member=True)
    p.place_in(city.regions["A1a2"])
    p.save()
    city.users["member"], city.people["member"] = user, p
    return p
