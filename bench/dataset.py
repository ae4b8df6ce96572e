"""The benchmark datasets: the demo city generated once and kept, so `make bench` pays the city-scale load
(a year of cases, 1.7 M residents — tens of minutes) only on its first run on a machine.

- SQLite: ``var/bench/<scale>-sqlite/jishi.sqlite3`` (a data directory of its own). A benchmark that writes
  copies it first (``sqlite_copy``): the SQLite online-backup API, so the kept file is never changed.
- PostgreSQL: a database ``jishi_bench_<scale>`` beside the configured one; a benchmark that writes gets
  ``CREATE DATABASE … TEMPLATE jishi_bench_<scale>`` (a file-level copy, seconds) and drops it afterwards.

Each kept dataset is migrated forward on use (new migrations apply on top), and is regenerated when its
stamp (scale, seed, the demo generator's version) differs. ``JISHI_BENCH_SCALE`` chooses ``city`` (default for
`make bench`) or ``small`` (seconds; for trying the harness).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
STAMP_VERSION = 1  # bump when the demo generator changes what it writes


def scale() -> str:
    return os.environ.get("JISHI_BENCH_SCALE", "city")


def _stamp(kind: str) -> dict:
    return {"scale": scale(), "seed": int(os.environ.get("JISHI_BENCH_SEED", "20261127")), "version": STAMP_VERSION,
            "kind": kind}


def _env(data_dir: Path, db_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("JISHI_DATABASE_URL", "JISHI_TESTING")}
    env.update({"JISHI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "jishi.settings"})
    if db_url:
        env["JISHI_DATABASE_URL"] = db_url
    return env


def _jishi(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "jishi"), *args], env=env, cwd=ROOT, check=True)


def _generate(env: dict, label: str) -> None:
    stamp = _stamp(label)
    print(f"bench: generating the {stamp['scale']} demo city for {label} (once; kept for later runs) …",
          file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    _jishi(env, "migrate", "--noinput", "-v", "0")
    _jishi(env, "demo", "--scale", stamp["scale"], "--seed", str(stamp["seed"]))
    print(f"bench: {label} dataset generated in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)


def sqlite_dataset() -> Path:
    """The kept SQLite dataset (generated on first use, migrated forward on every use)."""
    data_dir = VAR / f"{scale()}-sqlite"
    db, stamp_file = data_dir / "jishi.sqlite3", data_dir / "stamp.json"
    env = _env(data_dir, None)
    if not (db.exists() and stamp_file.exists() and json.loads(stamp_file.read_text()) == _stamp("sqlite")):
        if data_dir.exists():
            for f in data_dir.iterdir():
                f.unlink()
        data_dir.mkdir(parents=True, exist_ok=True)
        _generate(env, "sqlite")
        stamp_file.write_text(json.dumps(_stamp("sqlite")))
    else:
        _jishi(env, "migrate", "--noinput", "-v", "0")
    return db


def sqlite_copy(target_dir: Path) -> Path:
    """A private copy of the SQLite dataset in ``target_dir`` (for a benchmark that writes)."""
    source = sqlite_dataset()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "jishi.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            (target_dir / f"jishi.sqlite3{suffix}").unlink()
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=65536)
    (target_dir / "secret_key").write_text((source.parent / "secret_key").read_text())
    return target


def _with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def _admin(url: str, sql: str, params: tuple = ()) -> list:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def postgres_url() -> str | None:
    url = os.environ.get("JISHI_BENCH_DATABASE_URL") or os.environ.get("JISHI_DATABASE_URL") or ""
    return url if urlparse(url).scheme in ("postgres", "postgresql") else None


def postgres_dataset(url: str) -> str:
    """The name of the kept PostgreSQL dataset database (generated on first use, migrated on every use)."""
    name = f"jishi_bench_{scale()}"
    data_dir = VAR / f"{scale()}-postgresql"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(data_dir, _with_db(url, name))
    stamp_file = data_dir / "stamp.json"
    exists = bool(_admin(url, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)))
    if not (exists and stamp_file.exists() and json.loads(stamp_file.read_text()) == _stamp("postgresql")):
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(url, f'CREATE DATABASE "{name}"')
        _generate(env, "postgresql")
        stamp_file.write_text(json.dumps(_stamp("postgresql")))
    else:
        _jishi(env, "migrate", "--noinput", "-v", "0")
    return name


def postgres_copy(url: str, copy_name: str) -> str:
    """A scratch copy of the PostgreSQL dataset (``CREATE DATABASE … TEMPLATE``); returns its URL."""
    source = postgres_dataset(url)
    _admin(url, f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
    _admin(url, f'CREATE DATABASE "{copy_name}" TEMPLATE "{source}"')
    return _with_db(url, copy_name)


def postgres_drop(url: str, name: str) -> None:
    with contextlib.suppress(Exception):
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
