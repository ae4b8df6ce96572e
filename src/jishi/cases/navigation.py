"""The case pages' entries of the navigation (the inbox with its unread badge), registered at start-up."""

from __future__ import annotations

from jishi.core.nav import register_nav_provider, register_todos


def entries(actor) -> list[dict]:
    from jishi.cases.views import nav_entries

    return nav_entries(actor.user, list(actor.roles))


def todo_entries(actor) -> list[dict]:
    from jishi.cases.views import todo_entries as todo

    return todo(actor)


def register() -> None:
    register_nav_provider("cases", entries, order=30)
    register_todos("cases", todo_entries, order=30)
