"""Mediation fixtures: a studio in A1 and a mediator (a person with an account and no post)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from jishi.org.choices import VenueKind
from jishi.org.models import Person, Venue
from tests.factories import PASSWORD


@pytest.fixture
def studio(city):
    a1 = city.regions["A1"]
    v = Venue(name="A1村“老娘舅”调解工作室", kind=VenueKind.MEDIATION_STUDIO, region=a1, lng=120.0, lat=31.0)
    v.place_in(a1)
    v.save()
    return v


@pytest.fixture
def mediator(city, studio):
    """周调解员: on the roster of the A1 studio, signed in, with no post of the grid force."""
    user = get_user_model().objects.create_user("mediator", password=PASSWORD, first_name="周调解员")
    p = Person(name="周调解员", user=user, phone="13900000001")
    p.place_in(city.regions["A1a1"])
    p.save()
    from jishi.mediation.models import Mediator

    m = Mediator(person=p, region=city.regions["A1"], studio=studio, title="兼职调解员")
    m.place_in(city.regions["A1"])
    m.save()
    city.users["mediator"], city.people["mediator"] = user, p
    return p


APPLICANT = {"side": "applicant", "name": "张大伯", "phone": "13812345678", "id_number": "320281195601011239"}
RESPONDENT = {"side": "respondent", "name": "李阿姨", "phone": "13987654321", "id_number": ""}


def register(city, who="village_cadre", region="A1", **kw):
    from jishi.mediation import services

    args = {"title": "张某与李某宅前排水纠纷", "kind": "neighbour", "source": "walk_in",
            "region": city.regions[region], "parties": [APPLICANT, RESPONDENT], "facts": "雨水排入对方院内"}
    args.update(kw)
    return services.register_dispute(city.user(who) if who else None, **args)
