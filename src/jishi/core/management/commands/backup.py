"""`jishi backup [--output PATH]`: an online, consistent backup of the configured database.

SQLite: the sqlite3 online backup API (a consistent copy while the server keeps writing).
PostgreSQL: ``pg_dump -Fc`` inside the snapshot in which the row counts were taken.
Prints the path, row counts of the tables and the audit chain head, and writes them beside the
backup as ``PATH.json`` (``jishi restore`` checks the restored database against it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

MAIN_TABLES = ("auth_user", "org_region", "org_person", "org_household", "org_staffassignment",
               "core_auditrecord")


def tables() -> list[str]:
    """Tables of Jishi's own apps plus users, in a stable order."""
    names = {"auth_user"}
    for model in apps.get_models():
        if model.__module__.startswith("jishi.") and model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
    return sorted(names)


def snapshot_facts(cursor, existing: set[str] | None = None) -> dict:
    """Row counts and the audit chain head, read through ``cursor`` (one consistent snapshot)."""
    counts = {}
    for table in tables():
        if existing is not None and table not in existing:
            continue
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    head = {"seq": 0, "hash": ""}
    if existing is None or "core_audithead" in existing:
        cursor.execute('SELECT chain_seq, hash FROM "core_audithead" WHERE id = 1')
        row = cursor.fetchone()
        if row:
            head = {"seq": int(row[0]), "hash": row[1]}
    return {"counts": counts, "audit_head": head}


def pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore from the configured database (password never on argv)."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def default_path(suffix: str) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return settings.DATA_DIR / "backups" / f"jishi-{stamp}{suffix}"


def sqlite_existing_tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def describe(facts: dict) -> list[str]:
    lines = [f"  {t:<32} {n:>10}" for t, n in facts["counts"].items() if n or t in MAIN_TABLES]
    head = facts["audit_head"]
    lines.append(f"审计链头 / audit chain head: {head['seq']}:{head['hash'][:16]}")
    return lines


class Command(BaseCommand):
    help = "备份数据库（在线、一致） / back up the database online and consistently"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="", help="备份文件路径（默认 var/backups/jishi-时间戳.*）")

    def handle(self, *args, output="", **opts):
        engine = settings.DATABASES["default"]["ENGINE"]
        started = datetime.now()
        if engine.endswith("sqlite3"):
            path, facts = self._sqlite(Path(output) if output else default_path(".sqlite3"))
        else:
            path, facts = self._postgres(Path(output) if output else default_path(".dump"))
        manifest = {"created_at": timezone.now().isoformat(), "engine": engine.rsplit(".", 1)[-1],
                    "file": path.name, "bytes": path.stat().st_size, **facts}
        Path(f"{path}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        seconds = (datetime.now() - started).total_seconds()
        self.stdout.write(f"备份完成 / backup written: {path} ({path.stat().st_size:,} bytes, {seconds:.1f} s)")
        for line in describe(facts):
            self.stdout.write(line)
        self.stdout.write(str(path))

    def _sqlite(self, path: Path) -> tuple[Path, dict]:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        src = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # one consistent read snapshot; writers continue meanwhile
            # A self-contained file: rollback journal, no -wal companion needed to open it.
            dst.execute("PRAGMA journal_mode=DELETE")
            facts = snapshot_facts(dst.cursor(), sqlite_existing_tables(dst))
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CommandError("备份文件完整性检查未通过 / backup failed its integrity check")
        finally:
            dst.close()
            src.close()
        os.replace(partial, path)
        return path, facts

    def _postgres(self, path: Path) -> tuple[Path, dict]:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with transaction.atomic(), connection.cursor() as cur:
            # Count rows and run pg_dump in the same snapshot, so the manifest describes the dump exactly.
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            facts = snapshot_facts(cur, {r[0] for r in cur.fetchall()})
            proc = subprocess.run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                                   "-f", str(partial)], env=pg_env(), capture_output=True, text=True)
            if proc.returncode:
                partial.unlink(missing_ok=True)
                raise CommandError(f"pg_dump 失败 / pg_dump failed: {proc.stderr.strip()}")
        os.replace(partial, path)
        return path, facts
