"""The navigation registry: each app registers its entries of the top navigation in ``AppConfig.ready()``;
the page shell (``jishi.web``) asks for the entries an Actor sees and imports no domain.

    register_nav("cockpit", _("驾驶舱"), "cockpit", order=40, visible=lambda actor: actor.has_any(COCKPIT_ROLES))

An app whose entries depend on more than one predicate (the case pages and the inbox with its unread badge)
registers a provider instead: ``register_nav_provider(key, order, provider)`` where ``provider(actor)``
returns a list of entry dicts (``label``, ``url``, ``key``, optional ``badge``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    order: int
    label: Any = ""
    url_name: str = ""
    visible: Callable[[Any], bool] | None = None
    badge: Callable[[Any], Any] | None = None
    provider: Callable[[Any], list[dict]] | None = None

    def entries(self, actor) -> list[dict]:
        if self.provider is not None:
            return list(self.provider(actor))
        if self.visible is not None and not self.visible(actor):
            return []
        entry = {"label": self.label, "url": reverse(self.url_name), "key": self.key}
        if self.badge is not None:
            entry["badge"] = self.badge(actor)
        return [entry]


_registry: dict[str, NavEntry] = {}


def register_nav(key: str, label, url_name: str, *, order: int, visible: Callable[[Any], bool] | None = None,
                 badge: Callable[[Any], Any] | None = None) -> None:
    """One entry: shown to the actors for whom ``visible(actor)`` is true (everyone signed in if None)."""
    _registry[key] = NavEntry(key=key, order=order, label=label, url_name=url_name, visible=visible, badge=badge)


def register_nav_provider(key: str, provider: Callable[[Any], list[dict]], *, order: int) -> None:
    """Several entries of one app, worked out by ``provider(actor)`` at ``order``."""
    _registry[key] = NavEntry(key=key, order=order, provider=provider)


_todos: dict[str, tuple[int, Callable[[Any], list[dict]]]] = {}


def register_todos(key: str, provider: Callable[[Any], list[dict]], *, order: int) -> None:
    """An app's to-dos for the home page: ``provider(actor)`` returns entry dicts (``label``, ``count``, ``url``,
    optional ``hot`` for what is late) — only what the actor has to act on, each linking to its list."""
    _todos[key] = (order, provider)


def todos(actor) -> list[dict]:
    """The to-dos of every app for ``actor``, in order; nothing for an anonymous caller."""
    if actor is None or actor.user is None:
        return []
    items: list[dict] = []
    for _order, provider in sorted(_todos.values(), key=lambda e: e[0]):
        items += provider(actor)
    return items


def navigation(actor) -> list[dict]:
    """The entries ``actor`` sees, in order. Nothing for an anonymous caller."""
    if actor is None or actor.user is None:
        return []
    items: list[dict] = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.key)):
        items += entry.entries(actor)
    return items
