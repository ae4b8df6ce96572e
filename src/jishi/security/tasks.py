"""Background jobs of the security baseline: forget old login failures and locks.

Every failed login writes a ``LoginFailure`` row (a success forgets only that username's), so a password
spray over many names or addresses grows the table without bound; the counting needs only the last
``throttle.WINDOW``.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jishi.security.throttle import prune


@db_periodic_task(crontab(minute="23", hour="3"))
def prune_login_throttle() -> int:
    return prune()
