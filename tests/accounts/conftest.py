"""Fixtures of the entrance tests: residents registered with their own phone numbers (the test city's
logins all share one), the console sender's outbox emptied, the per-process attempt counter reset."""

from __future__ import annotations

import re

import pytest

from jishi.accounts import sms
from jishi.org.models import Person

PHONE = "13912345678"
ID_NUMBER = "32028119850612345X"


@pytest.fixture(autouse=True)
def _empty_outbox(settings):
    settings.JISHI_SMS_BACKEND = "jishi.accounts.sms.ConsoleSender"
    sms.OUTBOX.clear()
    from jishi.core import attempts

    attempts._local.clear()
    yield
    sms.OUTBOX.clear()


@pytest.fixture
def villager(city) -> Person:
    """A resident the city registered (phone and ID number) who has no account yet."""
    p = Person(name="赵村民", phone=PHONE, id_number=ID_NUMBER)
    p.place_in(city.regions["A1a1"])
    p.save()
    return p


def code_sent_to(phone: str) -> str:
    text = sms.last_to(phone)
    assert text, f"no SMS to {phone}"
    return re.search(r"(\d{6})", text).group(1)
