"""Engagement fixtures: a party member of A1 (a volunteer with a post) and a second one, a wish helper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jishi.org.models import Person
from tests.factories import PASSWORD

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def helper(city):
    """王党员: a resident party member of A1 with an account and no post (claims wishes)."""
    user = get_user_model().objects.create_user("helper", password=PASSWORD, first_name="王党员")
    p = Person(name="王党员", user=user, phone="13900000002")
    p.place_in(city.regions["A1a2"])
    p.save()
    city.users["helper"], city.people["helper"] = user, p
    return p


def post(city, who="resident", **kw):
    from jishi.engage import wishes

    args = {"title": "想要一台助行器", "content": "腿脚不便，出门买菜困难"}
    args.update(kw)
    return wishes.post_wish(city.user(who), **args)


def published(city, **kw):
    from jishi.engage import wishes

    w = post(city, **kw)
    return wishes.publish_wish(city.user("village_cadre"), w)


def later(days: int = 30):
    return timezone.localdate() + timedelta(days=days)
