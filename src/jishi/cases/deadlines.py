"""Time limits of a case from its category and priority, on the working-day calendar.

Normal priority: acknowledge within ``category.ack_hours`` working hours, handle within
``category.handle_days`` working days (end of office hours of the n-th working day after the start).
Urgent priority (emergencies do not wait for Monday): acknowledge within 30 minutes and handle
within ``category.urgent_handle_hours`` clock hours.
Whistle: every named department reports in within ``REPORT_IN_HOURS`` working hours (urgent: 30 min).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jishi.cases.choices import Priority
from jishi.core import calendar

URGENT_ACK = timedelta(minutes=30)
REPORT_IN_HOURS = 2
NEAR_DUE_FRACTION = 0.2  # yellow when less than 20% of the limit is left …
NEAR_DUE_MIN = timedelta(hours=1)  # … or less than an hour, whichever is longer


def ack_due(category, priority: str, start: datetime) -> datetime:
    if priority == Priority.URGENT:
        return start + URGENT_ACK
    return calendar.add_working_hours(start, float(category.ack_hours))


def handle_due(category, priority: str, start: datetime) -> datetime:
    if priority == Priority.URGENT:
        return start + timedelta(hours=category.urgent_handle_hours)
    return calendar.add_working_days(start, category.handle_days)


def report_in_due(priority: str, start: datetime) -> datetime:
    if priority == Priority.URGENT:
        return start + URGENT_ACK
    return calendar.add_working_hours(start, REPORT_IN_HOURS)


def near_due_at(start: datetime, due: datetime) -> datetime:
    """When a limit running from ``start`` to ``due`` turns yellow."""
    margin = max((due - start) * NEAR_DUE_FRACTION, NEAR_DUE_MIN)
    return due - margin
