"""Fixtures: the migrated template database (the `jishi serve` subprocess test), the case report helper."""

from tests.cases.conftest import report  # noqa: F401
from tests.reliability.conftest import migrated  # noqa: F401
