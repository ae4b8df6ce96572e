"""The points fixtures (the city template of items, a shop) for these cross-cutting tests."""

from tests.points.conftest import items, shop  # noqa: F401
