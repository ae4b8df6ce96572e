"""The audit trail is append-only and tamper-evident: verify-audit finds any altered or deleted row."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jishi.core import audit
from jishi.core.models import AuditHead, AuditRecord


def _write(n: int) -> list[AuditRecord]:
    return [audit.record(None, "test.change", object_type="test", object_id=i, summary=f"变更{i}", data={"i": i, "名": "值"})
            for i in range(n)]


@pytest.mark.django_db
def test_records_are_written_unsealed_then_sealed_in_order():
    _write(5)
    assert AuditRecord.objects.filter(chain_seq__isnull=True).count() == 5
    assert audit.seal_pending() == 5
    seqs = list(AuditRecord.objects.order_by("id").values_list("chain_seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5]
    head = AuditHead.objects.get()
    assert head.chain_seq == 5 and head.hash == AuditRecord.objects.get(chain_seq=5).hash


@pytest.mark.django_db
def test_an_intact_chain_verifies_and_reports_unsealed_rows():
    _write(3)
    audit.seal_pending()
    _write(2)
    report = audit.verify_chain()
    assert report.ok, report.problems
    assert report.checked == 3 and report.unsealed == 2


@pytest.mark.django_db
def test_sealing_continues_the_chain_across_batches():
    _write(7)
    audit.seal_pending(batch=3)
    _write(4)
    audit.seal_pending(batch=2)
    assert audit.verify_chain().ok
    assert AuditHead.objects.get().chain_seq == 11


@pytest.mark.django_db
def test_an_altered_row_is_detected():
    _write(4)
    audit.seal_pending()
    AuditRecord.objects.filter(chain_seq=2).update(summary="改过的摘要")
    report = audit.verify_chain()
    assert not report.ok
    assert any("链序号 2" in p and "改动" in p for p in report.problems)


@pytest.mark.django_db
def test_altered_data_json_is_detected():
    _write(3)
    audit.seal_pending()
    AuditRecord.objects.filter(chain_seq=3).update(data={"i": 999})
    assert not audit.verify_chain().ok


@pytest.mark.django_db
def test_a_deleted_row_in_the_middle_is_detected():
    _write(5)
    audit.seal_pending()
    AuditRecord.objects.filter(chain_seq=3).delete()
    report = audit.verify_chain()
    assert any("缺失" in p for p in report.problems)


@pytest.mark.django_db
def test_a_deleted_last_row_is_detected_by_the_head():
    _write(3)
    audit.seal_pending()
    AuditRecord.objects.filter(chain_seq=3).delete()
    report = audit.verify_chain()
    assert any("链头" in p for p in report.problems)


@pytest.mark.django_db
def test_a_rehashed_forgery_is_still_detected_by_the_next_row():
    """Someone who edits a row and recomputes its hash breaks the link from the next row."""
    _write(4)
    audit.seal_pending()
    rec = AuditRecord.objects.get(chain_seq=2)
    rec.summary = "伪造"
    rec.hash = audit.compute_hash(rec, rec.prev_hash, rec.chain_seq)
    rec.save()
    report = audit.verify_chain()
    assert any("前一条哈希不符" in p for p in report.problems)


@pytest.mark.django_db
def test_verify_audit_command_exits_non_zero_on_tampering(capsys):
    _write(3)
    call_command("verify_audit")
    assert "审计链完好" in capsys.readouterr().out
    AuditRecord.objects.filter(chain_seq=1).update(action="other")
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_in_the_admin(admin_client):
    _write(1)
    rec = AuditRecord.objects.get()
    response = admin_client.post(f"/admin/core/auditrecord/{rec.pk}/change/", {"summary": "x"})
    assert response.status_code == 403
    AuditRecord.objects.get(pk=rec.pk, summary="变更0")
