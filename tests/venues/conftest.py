"""A small map for the 8-minute circle on the test city (tests/factories.py): households of village A1 at known
distances east of the point P = (120.205, 31.805) (the factory's own household sits on P), and helpers to place
venues. At 31.8° N one degree of longitude is ~94.5 km; with the default 80 m/min and detour 1.3 a household
is within 8 minutes up to 492 m in a straight line."""

from __future__ import annotations

import math

import pytest

from jishi.org.models import Household
from jishi.venues import services

P = (120.205, 31.805)
M_PER_DEG_LNG = 111_195.08 * math.cos(math.radians(31.805))


def east(m: float, of=P) -> tuple[float, float]:
    return (of[0] + m / M_PER_DEG_LNG, of[1])


def household(city, key: str, code: str, lnglat) -> Household:
    hh = Household(code=code, address=f"{key}{code}号", lng=lnglat[0], lat=lnglat[1])
    hh.place_in(city.regions[key])
    hh.save()
    return hh


@pytest.fixture
def street(city):
    """A1a1: households 300 m, 450 m, 600 m and 2 km east of P (+ the factory's one on P)."""
    return {m: household(city, "A1a1", f"E{m}", east(m)) for m in (300, 450, 600, 2000)}


def venue(city, who="village_cadre", key="A1", kind="neighbourhood_point", at=P, name="睦邻点"):
    return services.create_venue(city.user(who), region_id=city.regions[key].pk, kind=kind, name=name,
                                 lng=at[0], lat=at[1])
