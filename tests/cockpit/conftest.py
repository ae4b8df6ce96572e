"""Fixtures of the cockpit tests: the case tests' media/calendar fixtures and report helper."""

from tests.cases.conftest import report  # noqa: F401
