"""The OpenAPI document names each schema by its class name: two apps with a schema class of the same name would
silently share one component, and one app's answers would be documented (and validated by clients) with the
other's fields. Every schema class under ``jishi`` has a name of its own."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import jishi.urls  # noqa: F401  (imports every app's api module)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_api_schema_class_has_a_name_of_its_own():
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("jishi."):
            by_name[cls.__name__].add(cls.__module__)
    assert {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1} == {}
