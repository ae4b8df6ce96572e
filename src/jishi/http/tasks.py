"""Background jobs of the open platform: forget stored Idempotency-Key responses past their keeping time."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.http.idempotency import forget_old


@db_periodic_task(crontab(minute="17"))
def forget_idempotency_keys() -> int:
    return forget_old()
