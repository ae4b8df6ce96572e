"""How points learns of other modules' events without them importing points.

Cases: ``jishi.cases.signals.case_accepted`` (``send(sender=Case, case=…, actor=…)``), which the case
services send after their transaction commits. The award's idempotency key (``case-accept:<id>``)
makes a second delivery harmless, and a points failure is logged, never raised into the case loop.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def _award_later(case, actor=None) -> None:
    def run() -> None:
        from jishi.points.earning import award_informant

        try:
            award_informant(case, actor)
        except Exception:  # a points problem must never undo or break the case loop
            log.exception("informant points for case %s failed", getattr(case, "pk", None))

    transaction.on_commit(run)  # the signal comes after the commit: this runs at once


def on_case_accepted(sender, case=None, actor=None, **kwargs) -> None:
    if case is not None:
        _award_later(case, actor)


def connect() -> None:
    from jishi.cases.signals import case_accepted

    case_accepted.connect(on_case_accepted, dispatch_uid="points.case_accepted")
