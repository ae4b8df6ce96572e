"""SQLite is tuned for a web server: WAL, busy timeout, IMMEDIATE transactions — and a write that
was acknowledged (committed) survives the process being killed with SIGKILL."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

pytestmark = [pytest.mark.slow,  # SIGKILL of a writer: make check leaves it out
              pytest.mark.skipif(settings.IS_POSTGRES, reason="SQLite-specific tuning")]

WRITER = textwrap.dedent("""
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "jishi.settings"
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from jishi.core import audit
    print("ready", flush=True)
    i = 0
    while True:
        rec = audit.record(None, "durability.write", object_type="t", object_id=i)
        print(rec.pk, flush=True)   # acknowledged: the row is committed (autocommit)
        i += 1
""")


def test_acknowledged_writes_survive_kill_9(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISHI_")}
    env.update(JISHI_DATA_DIR=str(tmp_path), JISHI_TESTING="1", PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", WRITER], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    acknowledged = [int(proc.stdout.readline()) for _ in range(300)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    db = sqlite3.connect(tmp_path / "jishi.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    stored = {row[0] for row in db.execute("SELECT id FROM core_auditrecord")}
    assert set(acknowledged) <= stored, "an acknowledged write was lost"


def test_connections_use_wal_busy_timeout_and_immediate_transactions(db):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("PRAGMA busy_timeout")
        assert cur.fetchone()[0] == 20000
        cur.execute("PRAGMA foreign_keys")
        assert cur.fetchone()[0] == 1
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
