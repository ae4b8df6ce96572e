"""Points fixtures on top of the test city: the city template, a shop in village A1 with two items."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jishi.points.models import Merchant, PointItem, StoreItem
from jishi.points.rules import seed_template


@dataclass
class Shop:
    merchant: Merchant
    soap: StoreItem
    rice: StoreItem


@pytest.fixture
def items(db) -> dict[str, PointItem]:
    return {i.code: i for i in seed_template()}


@pytest.fixture
def shop(city, items) -> Shop:
    owner = city.people["merchant"]
    m = Merchant(name="A1村积分超市", owner=owner, yuan_per_point="0.100")
    m.place_in(city.regions["A1"])
    m.save()

    def item(name: str, price: int, stock: int) -> StoreItem:
        it = StoreItem(merchant=m, name=name, price=price, stock=stock)
        it.place_in(city.regions["A1"])
        it.save()
        return it

    return Shop(m, item("肥皂", 20, 50), item("大米5斤", 100, 3))
