"""小蜜蜂 fixtures: a station in A1a1 (town A) and one in B1a1 (town B), a courier with an account and no person
record, a caring merchant (owned by 王店主) and an ordinary village shop, the care fund of town A."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from jishi.bees import fund, riders
from jishi.bees.models import CaringMerchant, Fund, Station
from jishi.org.choices import VenueKind
from jishi.org.models import Venue
from jishi.points.models import Merchant, StoreItem
from tests.factories import PASSWORD


def make_station(city, key: str, name: str) -> Station:
    region = city.regions[key]
    lng, lat = city.point_in(key)
    v = Venue(name=name, kind=VenueKind.INFORMANT_STATION, region=region, address=f"{name}地址", lng=lng, lat=lat)
    v.place_in(region)
    v.save()
    s = Station(venue=v, name=name)
    s.place_in(region)
    s.save()
    return s


@pytest.fixture
def station(city) -> Station:
    return make_station(city, "A1a1", "A1小蜜蜂驿站")


@pytest.fixture
def station_b(city) -> Station:
    return make_station(city, "B1a1", "B1小蜜蜂驿站")


@pytest.fixture
def courier(city):
    """赵骑手: an account from the resident entrance, no person record yet."""
    user = get_user_model().objects.create_user("courier", password=PASSWORD, first_name="赵骑手")
    city.users["courier"] = user
    return user


def register(user, station, **kw):
    args = {"name": "赵骑手", "phone": "13912345678", "platform": "meituan", "station_id": station.pk}
    args.update(kw)
    return riders.register(user, **args)


@pytest.fixture
def rider(city, courier, station):
    """The courier, registered at the A1 station and approved by town A."""
    return riders.approve(city.user("town_commander"), register(courier, station))


def shop(city, name: str, programme: str, key: str = "A1") -> Merchant:
    m = Merchant(name=name, owner=city.people["merchant"], programme=programme)
    m.place_in(city.regions[key])
    m.save()
    return m


def item(m: Merchant, name: str, price: int, stock: int = 10) -> StoreItem:
    i = StoreItem(merchant=m, name=name, price=price, stock=stock)
    i.place_in(m.region)
    i.save()
    return i


@pytest.fixture
def caring(city) -> CaringMerchant:
    m = shop(city, "爱心面馆", "welfare")
    item(m, "爱心工作餐", 5)
    c = CaringMerchant(merchant=m, category="restaurant", offers="免费饮水、歇脚充电")
    c.place_in(m.region)
    c.save()
    return c


@pytest.fixture
def village_shop(city) -> Merchant:
    m = shop(city, "A1村积分超市", "village")
    item(m, "洗衣液", 5)
    return m


@pytest.fixture
def fund_a(city) -> Fund:
    f = Fund(name="A镇小蜜蜂关爱基金")
    f.place_in(city.regions["A"])
    f.save()
    fund.receive(city.user("town_commander"), f, kind="donation", amount=Decimal("1000"), source="爱心企业捐赠")
    f.refresh_from_db()
    return f
