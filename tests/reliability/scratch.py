"""A scratch database of the same kind as the one the tests run on (SQLite file or a PostgreSQL
database named test_<purpose>_<pid>), driven through the real `jishi` command in subprocesses."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parents[2]


def _pg_connect(dbname: str):
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(host=db.get("HOST") or None, port=db.get("PORT") or None, user=db.get("USER") or None,
                           password=db.get("PASSWORD") or None, dbname=dbname, autocommit=True)


@contextlib.contextmanager
def scratch_database(tmp_path: Path, purpose: str, template: str = "") -> Iterator[dict[str, str]]:
    """Yield the environment for `jishi` subprocesses pointed at a fresh scratch database: empty, or
    a copy of ``template`` (a migrated SQLite file, or a PostgreSQL database to clone)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISHI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # src first: the subprocesses run the code under test (not whatever an editable install points at)
    env.update(JISHI_DATA_DIR=str(tmp_path), JISHI_TESTING="1", PYTHONPATH=f"{PROJECT / 'src'}{os.pathsep}{PROJECT}")
    if not settings.IS_POSTGRES:
        env["JISHI_DATABASE_URL"] = f"sqlite:///{tmp_path / 'jishi.sqlite3'}"
        if template:
            shutil.copyfile(template, tmp_path / "jishi.sqlite3")
        yield env
        return
    db = settings.DATABASES["default"]
    name = f"test_{purpose}_{os.getpid()}"
    with _pg_connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    env["JISHI_DATABASE_URL"] = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    try:
        yield env
    finally:
        with _pg_connect("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def jishi(env: dict[str, str], *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the `jishi` command-line tool against the scratch database."""
    proc = subprocess.run([str(BIN / "jishi"), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=PROJECT)
    if check and proc.returncode:
        raise AssertionError(f"jishi {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def shell(env: dict[str, str], code: str) -> str:
    """Run Python inside Django (`jishi shell -c`) against the scratch database; return its stdout."""
    return jishi(env, "shell", "-c", code).stdout


FACTS = """
import json
from django.db import connection
from jishi.core.management.commands.backup import snapshot_facts
with connection.cursor() as cur:
    tables = set(connection.introspection.table_names(cur))
    print(json.dumps(snapshot_facts(cur, tables)))
"""


def facts(env: dict[str, str]) -> dict:
    """Row counts per table and the audit chain head of the scratch database."""
    return json.loads(shell(env, FACTS).strip().splitlines()[-1])


@contextlib.contextmanager
def migrated_template(tmp_path: Path, purpose: str) -> Iterator[str]:
    """A migrated, empty database to copy scratch databases from (migrating once saves ~10 s a test)."""
    with scratch_database(tmp_path, f"{purpose}_tmpl") as env:
        jishi(env, "migrate", "--noinput", "-v", "0")
        if settings.IS_POSTGRES:
            yield env["JISHI_DATABASE_URL"].rsplit("/", 1)[-1]
        else:
            yield str(tmp_path / "jishi.sqlite3")
