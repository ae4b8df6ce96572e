"""Privacy tests use the API fixtures too (a bearer token per role user)."""

from tests.api.conftest import bearer  # noqa: F401
