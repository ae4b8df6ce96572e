"""Open311 takes the same text limits as the pages and the API (issue 13, item 5): a description over the one
limit (GeoReport v2's own 4,000 characters) is a 400 in the spec's error list; at the limit it is kept whole."""

from __future__ import annotations

import pytest

from jishi.cases.models import Case
from jishi.core import limits
from tests.open311.conftest import BASE, error_of


def test_a_description_over_the_limit_is_a_400_in_the_error_list(client, api_key, report_form):
    form = report_form(api_key("nobody"), description="x" * (limits.DESCRIPTION + 1))
    r = client.post(f"{BASE}/requests.json", form)
    assert r.status_code == 400
    code, description = error_of(r)
    assert code == 400 and "description" in description and str(limits.DESCRIPTION) in description
    assert not Case.objects.exists()


def test_a_description_at_the_limit_is_kept_whole(client, api_key, report_form):
    form = report_form(api_key("nobody"), description="x" * limits.DESCRIPTION)
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    assert len(Case.objects.get().description) == limits.DESCRIPTION


def test_an_over_long_field_without_its_own_limit_is_a_400_not_a_500(client, api_key, report_form):
    form = report_form(api_key("nobody"), lat="1" * 10_001)
    assert client.post(f"{BASE}/requests.json", form).status_code == 400


@pytest.mark.parametrize("key", ["", "a\tb", "with space", "x" * 101])
def test_an_idempotency_key_follows_the_same_rule_as_the_api(client, api_key, report_form, key):
    r = client.post("/open311/v2/requests.json", report_form(api_key("nobody")), HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 400 and "Idempotency-Key" in r.json()[0]["description"]
    assert not Case.objects.exists()
