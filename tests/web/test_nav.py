"""The navigation: each app registers its entries (``jishi.core.nav``); the shell imports no domain and shows
each role the entries the policy gives it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jishi.web
from jishi.core.nav import navigation
from jishi.org.policy import actor_for_user

DOMAINS = ("cases", "points", "scoring", "cockpit", "api", "notify", "webhooks", "open311")


def test_the_shell_imports_no_domain():
    for path in Path(jishi.web.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                assert not any(name.startswith(f"jishi.{d}") for d in DOMAINS), f"{path.name} imports {name}"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("city_commander", {"home", "regions", "people", "cases-board", "inbox", "cockpit", "points", "scoring", "import"},
     {"ports", "admin"}),
    ("village_cadre", {"cockpit", "points", "scoring", "cases-board"}, {"import", "ports"}),
    ("grid_worker", {"regions", "cases-grid", "cases-report", "points", "inbox"}, {"cockpit", "scoring", "import"}),
    ("dept_urban", {"cases-dept", "inbox"}, {"regions", "people", "cockpit"}),
    ("resident", {"home", "cases-report", "cases-mine", "points", "inbox"}, {"regions", "cockpit", "scoring"}),
    ("admin", {"cockpit", "scoring", "import", "ports", "admin"}, set()),
])
def test_each_role_sees_the_entries_its_apps_registered_for_it(city, role, shown, hidden):
    keys = [e["key"] for e in navigation(actor_for_user(city.user(role)))]
    assert shown <= set(keys) and not hidden & set(keys), keys
    assert keys[0] == "home" and len(keys) == len(set(keys))


@pytest.mark.django_db
def test_the_inbox_entry_carries_its_unread_badge_and_the_page_shows_the_navigation(client, login, city):
    login("grid_worker")
    inbox = next(e for e in navigation(actor_for_user(city.user("grid_worker"))) if e["key"] == "inbox")
    assert "badge" in inbox
    page = client.get("/").content.decode()
    assert "/points/" in page and "/cockpit/" not in page
