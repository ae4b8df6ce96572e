"""Shared fixtures: a small city with one login per role (see tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, City, make_city


@pytest.fixture
def city(db) -> City:
    return make_city()


@pytest.fixture
def login(client, city):
    """Log the test client in as a role user: ``login("grid_worker")``."""

    def _login(key: str):
        assert client.login(username=key, password=PASSWORD)
        return city.user(key)

    return _login
