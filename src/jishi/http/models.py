"""What the HTTP kit keeps: the first answer to each POST carrying ``Idempotency-Key``."""

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """The first response to a POST carrying ``Idempotency-Key``, replayed to the same caller's retries."""

    caller = models.CharField(max_length=64, help_text="digest of the credentials that made the call")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    status_code = models.PositiveSmallIntegerField(null=True, help_text="empty while the first call runs")
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "api_idempotentrequest"  # made by the platform app (label "api") before the HTTP kit had its own
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="api_idempotent_caller_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code or '…'}"
