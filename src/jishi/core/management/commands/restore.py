"""`jishi restore PATH [--yes]`: put a backup made by `jishi backup` back into the configured database.

SQLite: refuses while any process has the database open (stop the server and the worker first);
keeps the current file as ``pre-restore-…`` in var/backups, then copies the backup in with the
sqlite3 backup API. PostgreSQL: ``pg_restore --clean --if-exists`` into the configured database.
Afterwards the row counts and audit chain head are compared with the backup's manifest.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jishi.core.management.commands.backup import (
    default_path,
    describe,
    pg_env,
    snapshot_facts,
    sqlite_existing_tables,
)


def sqlite_in_use(path: str) -> bool:
    """True if another connection (a running server or worker) holds the SQLite database open."""
    if not Path(path).exists():
        return False
    probe = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        probe.execute("COMMIT")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


class Command(BaseCommand):
    help = "从备份恢复数据库（会覆盖当前数据） / restore the database from a backup (replaces current data)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="jishi backup 生成的备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, path: str, yes: bool = False, **opts):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"备份文件不存在 / no such backup file: {source}")
        manifest_path = Path(f"{source}.json")
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
        db = settings.DATABASES["default"]
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("恢复会覆盖当前数据库；请加 --yes 确认 / restoring replaces the database: pass --yes")
            answer = input(f"将用 {source} 覆盖数据库 {db['NAME']}，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消 / cancelled")
        connections.close_all()
        if db["ENGINE"].endswith("sqlite3"):
            facts = self._sqlite(source, str(db["NAME"]))
        else:
            facts = self._postgres(source)
        self.stdout.write(f"恢复完成 / restored {source} into {db['NAME']}")
        for line in describe(facts):
            self.stdout.write(line)
        if manifest:
            if manifest["counts"] != facts["counts"] or manifest["audit_head"] != facts["audit_head"]:
                raise CommandError("恢复后的行数或审计链头与备份清单不符 / restored data differs from the backup manifest")
            self.stdout.write(self.style.SUCCESS("行数与审计链头与备份清单一致 / counts and audit head match the manifest"))
        self.stdout.write("下一步：运行 jishi migrate 与 jishi verify-audit / next: run jishi migrate and jishi verify-audit")

    def _sqlite(self, source: Path, target: str) -> dict:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CommandError(f"备份文件已损坏 / the backup fails its integrity check: {source}")
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"不是 SQLite 备份文件 / not a SQLite backup: {source} ({exc})")
        if sqlite_in_use(target):
            src.close()
            raise CommandError(
                "数据库正被其他进程使用（服务或后台任务正在运行），请先停止 jishi serve 与后台任务再恢复。"
                " / the database is in use: stop the server and the worker, then restore again."
            )
        try:
            if Path(target).exists():
                keep = default_path(".sqlite3")
                keep = keep.with_name("pre-restore-" + keep.name)
                keep.parent.mkdir(parents=True, exist_ok=True)
                with sqlite3.connect(target) as cur_db, sqlite3.connect(keep) as copy:
                    cur_db.backup(copy)
                self.stdout.write(f"原数据库已另存 / the replaced database was kept as {keep}")
            dst = sqlite3.connect(target, timeout=1)
            try:
                src.backup(dst)  # page-by-page copy in one write transaction on the target
                dst.execute("PRAGMA journal_mode=WAL")
                return snapshot_facts(dst.cursor(), sqlite_existing_tables(dst))
            finally:
                dst.close()
        finally:
            src.close()

    def _postgres(self, source: Path) -> dict:
        proc = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                               "--single-transaction", "--exit-on-error", "-d", str(settings.DATABASES["default"]["NAME"]),
                               str(source)], env=pg_env(), capture_output=True, text=True)
        if proc.returncode:
            raise CommandError(f"pg_restore 失败 / pg_restore failed: {proc.stderr.strip()}")
        with connections["default"].cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            return snapshot_facts(cur, {r[0] for r in cur.fetchall()})
