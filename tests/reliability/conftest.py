import pytest

from tests.reliability.scratch import migrated_template


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Path (SQLite) or name (PostgreSQL) of a migrated, empty database, made once per test session."""
    with migrated_template(tmp_path_factory.mktemp("template"), "tmpl") as template:
        yield template
