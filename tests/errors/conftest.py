"""The migrated template database of the reliability tests, for the `jishi serve` subprocess test."""

from tests.reliability.conftest import migrated  # noqa: F401
