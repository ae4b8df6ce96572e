"""Shared fixtures: a small city with one login per role (see tests/factories.py)."""

from __future__ import annotations

import time

import pytest
import time_machine

from jishi.cases.models import Category
from jishi.cases.seed import load
from jishi.core import calendar
from tests.factories import PASSWORD, City, make_city


@pytest.fixture(autouse=True)
def _own_files_and_fresh_caches(settings, tmp_path):
    """Each test gets its own media directory and API rate-limit side file (SQLite keeps counts there; ids are
    reused across tests), and a working-day calendar cache that no earlier test filled."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.JISHI_RATE_LIMIT_FILE = str(tmp_path / "ratelimit.sqlite3")
    settings.JISHI_MAP_TILES_DIR = str(tmp_path / "tiles")  # no offline map package unless a test installs one
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def steady_minute():
    """Start the test at the top of the next minute (the clock moves on from there, never back), so that the
    one-minute windows of the rate limits and of revalidation tags cannot turn over in the middle of it."""
    now = time.time()
    with time_machine.travel((now // 60 + 1) * 60 + 0.05, tick=True):
        yield


@pytest.fixture
def city(db) -> City:
    if not Category.objects.exists():  # a transactional test flushed the categories the data migration seeded
        load(Category)
    return make_city()


@pytest.fixture
def login(client, city):
    """Log the test client in as a role user: ``login("grid_worker")``."""

    def _login(key: str):
        assert client.login(username=key, password=PASSWORD)
        return city.user(key)

    return _login
