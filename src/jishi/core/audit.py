"""Writing, sealing and verifying the audit trail.

``record()`` is called by every service function that changes state, inside its transaction.
``seal_pending()`` links unsealed rows into the hash chain (run by the worker every few seconds
and after commits); ``verify_chain()`` recomputes every hash and reports what does not match.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jishi.core.models import AuditHead, AuditRecord

GENESIS = "0" * 64


def _canonical(rec: AuditRecord, prev_hash: str, seq: int) -> bytes:
    payload = {
        "seq": seq,
        "id": rec.pk,
        "at": rec.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": rec.actor_id,
        "actor_name": rec.actor_name,
        "role": rec.actor_role,
        "action": rec.action,
        "type": rec.object_type,
        "oid": rec.object_id,
        "summary": rec.summary,
        "data": rec.data,
        "prev": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def compute_hash(rec: AuditRecord, prev_hash: str, seq: int) -> str:
    return hashlib.sha256(_canonical(rec, prev_hash, seq)).hexdigest()


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: Any = "",
    summary: str = "",
    data: dict | None = None,
    role: str = "",
) -> AuditRecord:
    """Append one audit row for a change. Call inside the service's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    rec = AuditRecord.objects.create(
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_full_name() or user.get_username()) if user else str(actor or "system"),
        actor_role=role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        data=json.loads(json.dumps(data or {}, default=str, ensure_ascii=False)),
    )
    _schedule_seal()
    return rec


_last_seal_request = 0.0
_seal_lock = threading.Lock()


def _schedule_seal() -> None:
    """Ask the worker to seal soon, at most once every JISHI_AUDIT_SEAL_SECONDS per process."""
    global _last_seal_request
    now = time.monotonic()
    with _seal_lock:
        if now - _last_seal_request < settings.JISHI_AUDIT_SEAL_SECONDS:
            return
        _last_seal_request = now

    def enqueue() -> None:
        from jishi.core.tasks import seal_audit_task

        # The queue being unavailable must never fail a user's change; the periodic sweep seals later.
        with contextlib.suppress(Exception):
            seal_audit_task()

    if not getattr(settings, "TESTING", False):
        transaction.on_commit(enqueue)


def seal_pending(batch: int = 5000) -> int:
    """Seal unsealed rows into the chain in insertion order. Returns how many were sealed."""
    total = 0
    while True:
        with transaction.atomic():
            head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
            rows = list(AuditRecord.objects.filter(chain_seq__isnull=True).order_by("id")[:batch])
            if not rows:
                return total
            seq, prev = head.chain_seq, head.hash or GENESIS
            for rec in rows:
                seq += 1
                rec.chain_seq = seq
                rec.prev_hash = prev
                rec.hash = compute_hash(rec, prev, seq)
                prev = rec.hash
            AuditRecord.objects.bulk_update(rows, ["chain_seq", "prev_hash", "hash"], batch_size=1000)
            head.chain_seq, head.hash, head.sealed_at = seq, prev, timezone.now()
            head.save()
            total += len(rows)


@dataclass
class VerifyReport:
    checked: int = 0
    unsealed: int = 0
    head_seq: int = 0
    head_hash: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(chunk: int = 5000) -> VerifyReport:
    """Recompute every sealed row's hash in chain order; report gaps, edits and a moved head."""
    report = VerifyReport()
    head = AuditHead.objects.filter(id=1).first()
    prev, expected_seq = GENESIS, 1
    last_seq = 0
    qs = AuditRecord.objects.filter(chain_seq__isnull=False).order_by("chain_seq")
    while True:
        rows = list(qs.filter(chain_seq__gt=last_seq)[:chunk])
        if not rows:
            break
        for rec in rows:
            if rec.chain_seq != expected_seq:
                report.problems.append(
                    f"链序号 {expected_seq}–{rec.chain_seq - 1} 缺失（记录被删除） / rows {expected_seq}..{rec.chain_seq - 1} missing"
                )
                prev = rec.prev_hash  # continue checking from here
            if rec.prev_hash != prev:
                report.problems.append(f"记录 #{rec.pk}（链序号 {rec.chain_seq}）前一条哈希不符 / prev hash mismatch")
            if compute_hash(rec, rec.prev_hash, rec.chain_seq) != rec.hash:
                report.problems.append(f"记录 #{rec.pk}（链序号 {rec.chain_seq}）内容被改动 / content altered")
            prev, expected_seq, last_seq = rec.hash, rec.chain_seq + 1, rec.chain_seq
            report.checked += 1
    report.unsealed = AuditRecord.objects.filter(chain_seq__isnull=True).count()
    if head is not None:
        report.head_seq, report.head_hash = head.chain_seq, head.hash
        if head.chain_seq != last_seq or (head.chain_seq and head.hash != prev):
            report.problems.append(
                f"链头为 {head.chain_seq}，实际最后一条为 {last_seq}（末尾记录被删除或改动） / head does not match the last row"
            )
    elif last_seq:
        report.problems.append("链头缺失 / chain head missing")
    return report
