"""API fixtures: a bearer token per role user of the test city."""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.platform import tokens

ALL_SCOPES = list(tokens.SCOPES)


@pytest.fixture
def bearer(city):
    """``bearer("grid_worker")`` -> a test client whose requests carry a fresh token of that user."""

    def _bearer(key: str, scopes: list[str] | None = None) -> Client:
        _, text = tokens.create_token(None, city.user(key), f"test {key}", scopes or ALL_SCOPES)
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return _bearer
