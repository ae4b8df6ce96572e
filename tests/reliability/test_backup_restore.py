"""`jishi backup` and `jishi restore` round-trip on the database the tests run on (SQLite or PostgreSQL):
after changes and deletions, a restore brings back exactly the backed-up rows and audit chain head."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.scratch import facts, jishi, scratch_database, shell

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it

POPULATE = """
from tests.factories import make_city
from jishi.core import audit
city = make_city()
for i in range(40):
    audit.record(city.user("admin"), "test.backup", city.regions["A1a"], summary=f"备份测试 {i}", data={"i": i})
audit.seal_pending()
"""

CHANGE_AND_DELETE = """
from jishi.core import audit
from jishi.org.models import Household, Region
from django.contrib.auth import get_user_model
Household.objects.all().delete()
Region.objects.filter(level="microgrid").update(name="改过的名字")
get_user_model().objects.create_user("after_backup", password="x-123456789")
for i in range(7):
    audit.record(None, "test.after_backup", object_type="t", object_id=i)
audit.seal_pending()
"""


@pytest.fixture
def scratch(tmp_path, migrated):
    with scratch_database(tmp_path, "backup", migrated) as env:
        shell(env, POPULATE)
        yield env


def backup(env, tmp_path) -> tuple[Path, dict]:
    path = tmp_path / "backups" / ("city.sqlite3" if not settings.IS_POSTGRES else "city.dump")
    out = jishi(env, "backup", "--output", str(path)).stdout
    assert str(path) in out and "审计链头" in out
    return path, json.loads(Path(f"{path}.json").read_text())


def test_backup_restore_round_trip_brings_back_rows_and_audit_head(scratch, tmp_path):
    before = facts(scratch)
    path, manifest = backup(scratch, tmp_path)
    assert manifest["counts"] == before["counts"]
    assert manifest["audit_head"] == before["audit_head"]
    assert before["audit_head"]["seq"] >= 40 and before["counts"]["org_household"] == 1

    shell(scratch, CHANGE_AND_DELETE)
    changed = facts(scratch)
    assert changed["counts"]["org_household"] == 0
    assert changed["audit_head"] != before["audit_head"]

    out = jishi(scratch, "restore", str(path), "--yes").stdout
    assert "counts and audit head match the manifest" in out
    after = facts(scratch)
    assert after["counts"] == before["counts"]
    assert after["audit_head"] == before["audit_head"]
    assert "改过的名字" not in shell(scratch, "from jishi.org.models import Region; "
                                             "print(sorted(set(Region.objects.values_list('name', flat=True))))")
    verify = jishi(scratch, "verify-audit", check=False)
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout


def test_backup_prints_path_counts_and_audit_head(scratch, tmp_path):
    out = jishi(scratch, "backup").stdout
    path = Path(out.strip().splitlines()[-1])
    assert path.parent == tmp_path / "backups" and path.is_file()
    assert "org_region" in out and "core_auditrecord" in out
    head = facts(scratch)["audit_head"]
    assert f"{head['seq']}:{head['hash'][:16]}" in out


def test_restore_without_yes_refuses_when_not_interactive(scratch, tmp_path):
    path, _ = backup(scratch, tmp_path)
    proc = jishi(scratch, "restore", str(path), check=False)
    assert proc.returncode != 0 and "--yes" in proc.stderr


@pytest.mark.skipif(settings.IS_POSTGRES, reason="SQLite file replacement")
def test_sqlite_restore_refuses_while_the_database_is_open(scratch, tmp_path):
    path, _ = backup(scratch, tmp_path)
    shell(scratch, CHANGE_AND_DELETE)
    holder = sqlite3.connect(tmp_path / "jishi.sqlite3")  # like a running server's idle connection
    holder.execute("SELECT COUNT(*) FROM org_region").fetchone()
    try:
        proc = jishi(scratch, "restore", str(path), "--yes", check=False)
    finally:
        holder.close()
    assert proc.returncode != 0
    assert "请先停止" in proc.stderr
    assert facts(scratch)["counts"]["org_household"] == 0, "a refused restore must change nothing"


@pytest.mark.skipif(settings.IS_POSTGRES, reason="SQLite file replacement")
def test_sqlite_restore_keeps_the_replaced_database(scratch, tmp_path):
    path, _ = backup(scratch, tmp_path)
    jishi(scratch, "restore", str(path), "--yes")
    kept = list((tmp_path / "backups").glob("pre-restore-*.sqlite3"))
    assert len(kept) == 1
    assert sqlite3.connect(kept[0]).execute("SELECT COUNT(*) FROM org_region").fetchone()[0] > 0


def test_restore_refuses_a_file_that_is_not_a_backup(scratch, tmp_path):
    bogus = tmp_path / "bogus.bak"
    bogus.write_bytes(b"not a backup at all" * 100)
    proc = jishi(scratch, "restore", str(bogus), "--yes", check=False)
    assert proc.returncode != 0


WRITER = """
import sys
from django.db import transaction
from jishi.core import audit
from jishi.org.models import Household
i = 0
while True:
    with transaction.atomic():
        row = Household.objects.create(code=f"live-{i}", address="备份期间写入")
        audit.record(None, "test.live_write", row)
    i += 1
    if i == 20:
        print("writing", flush=True)
"""


def test_a_backup_taken_during_writes_is_consistent(scratch, tmp_path):
    import os
    import signal
    import subprocess

    from tests.reliability.scratch import BIN, PROJECT

    writer = subprocess.Popen([str(BIN / "jishi"), "shell", "-c", WRITER], env=scratch, cwd=PROJECT,
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for line in writer.stdout:  # `jishi shell` may print a banner first
            if line.strip() == "writing":
                break
        path, manifest = backup(scratch, tmp_path)
    finally:
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    # Every household in the backup has its audit row: the copy is one snapshot, not a smear.
    live = manifest["counts"]["org_household"] - 1  # minus the city's own household
    assert live >= 20
    jishi(scratch, "restore", str(path), "--yes")  # fails unless the restored rows equal the manifest
    audited = shell(scratch, "from jishi.core.models import AuditRecord; "
                             "print(AuditRecord.objects.filter(action='test.live_write').count())")
    assert int(audited.strip().splitlines()[-1]) == live
    assert jishi(scratch, "verify-audit", check=False).returncode == 0
