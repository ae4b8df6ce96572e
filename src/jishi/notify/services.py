"""The verbs of notification: notify (inbox + outbound after commit), mark read, unread count."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jishi.notify.models import Notification, OutboundMessage


def backend():
    return import_string(settings.JISHI_NOTIFY_BACKEND)()


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str = "", obj=None,
           level: str = "info", outbound: bool = False) -> list[Notification]:
    """Put a message in each recipient's inbox (in the caller's transaction); with ``outbound``,
    also send it through the configured channel once the transaction commits."""
    users = [u for u in {getattr(u, "pk", None): u for u in recipients if u is not None}.values() if u is not None]
    rows = [
        Notification(recipient=u, kind=kind, title=title[:200], body=body, url=url, level=level,
                     object_type=obj._meta.label_lower if obj is not None else "",
                     object_id=str(obj.pk) if obj is not None else "")
        for u in users
    ]
    Notification.objects.bulk_create(rows)
    if outbound and users:
        messages = [
            OutboundMessage(recipient=u, channel=backend().channel, address=_address(u), text=f"{title} {body}".strip())
            for u in users
        ]
        OutboundMessage.objects.bulk_create(messages)
        ids = [m.pk for m in messages]
        transaction.on_commit(lambda: send_outbound(ids))
    return rows


def send_text(address: str, text: str, *, recipient=None) -> OutboundMessage | None:
    """Send one text to a phone number through the outbound channel after commit (a reporter without an
    account, the masked SMS relay); nothing without an address."""
    if not address:
        return None
    msg = OutboundMessage.objects.create(recipient=recipient, channel=backend().channel, address=address, text=text)
    transaction.on_commit(lambda: send_outbound([msg.pk]))
    return msg


def relay_call(from_address: str, to_address: str, *, text: str, recipient=None) -> OutboundMessage | None:
    """Ask the channel to bridge a masked call-back from ``from_address`` (staff) to ``to_address`` (the reporter)
    after commit; recorded like a text (channel ``call``), failed calls kept with their error."""
    if not (from_address and to_address):
        return None
    msg = OutboundMessage.objects.create(recipient=recipient, channel="call", address=to_address, text=text)
    transaction.on_commit(lambda: _place_call(msg.pk, from_address))
    return msg


def _place_call(pk: int, from_address: str) -> None:
    msg = OutboundMessage.objects.filter(pk=pk, status="pending").first()
    if msg is None:
        return
    try:
        backend().call(from_address, msg.address)
        msg.status, msg.sent_at = "sent", timezone.now()
    except Exception as exc:  # a gateway error must not lose the request
        msg.status, msg.error = "failed", str(exc)[:300]
    msg.save(update_fields=["status", "sent_at", "error"])


def digest(users: Iterable, *, kind: str, title: str, line: str, key: str = "", url: str = "", level: str = "info",
           outbound: bool = False) -> None:
    """Add ``line`` to each user's unread digest of ``kind`` of today (one notice a day, one line per ``key`` — a
    case: its newest line), instead of one notice per case; ``title`` gets the count of lines (``{n}``). The
    outbound text goes with the first line of the day only."""
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    users = [u for u in {getattr(u, "pk", None): u for u in users if u is not None}.values() if u is not None]
    if not users:
        return
    open_ = {n.recipient_id: n for n in Notification.objects.filter(
        recipient_id__in=[u.pk for u in users], kind=kind, read_at__isnull=True, created_at__gte=start)}
    fresh = []
    for u in users:
        n = open_.get(u.pk)
        if n is None:
            fresh.append(u)
            continue
        lines = [x for x in n.body.split("\n") if x and not (key and x.startswith(f"{key} "))]
        lines.append(line)
        n.title, n.body = title.format(n=len(lines))[:200], "\n".join(lines[-200:])
        n.save(update_fields=["title", "body"])
    if fresh:
        notify(fresh, kind=kind, title=title.format(n=1), body=line, url=url, level=level, outbound=outbound)


def _address(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "phone", "") or ""


def send_outbound(ids: list[int]) -> int:
    """Deliver pending outbound messages; failures stay 'failed' with the error for a retry."""
    sent = 0
    channel = backend()
    for msg in OutboundMessage.objects.filter(pk__in=ids, status="pending"):
        try:
            channel.send(msg.address, msg.text)
            msg.status, msg.sent_at = "sent", timezone.now()
            sent += 1
        except Exception as exc:  # a gateway error must not lose the message
            msg.status, msg.error = "failed", str(exc)[:300]
        msg.save(update_fields=["status", "sent_at", "error"])
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


BADGE_CAP = 99


def unread_badge(user) -> str:
    """The navigation badge: the unread count up to 99, then "99+" — counting stops at the 100th row, so a
    commander with thousands of unread notices costs no more than one with a hundred."""
    n = unread_at_most(user.pk, BADGE_CAP + 1)
    return "" if n == 0 else (str(n) if n <= BADGE_CAP else f"{BADGE_CAP}+")


def unread_at_most(user_id: int, cap: int) -> int:
    """min(unread notifications of the user, cap), counting no more rows than ``cap``."""
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)[:cap].count()


# ``unread_at_most`` as a scalar subquery (parameters: user id, cap), for a change counter that reads it together
# with another figure in one statement (the case pages' ETag: ``cases.sql.page_counter``).
UNREAD_AT_MOST_SQL = (f"(SELECT COUNT(*) FROM (SELECT 1 FROM {Notification._meta.db_table} "
                      f"WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) unread)")


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def inbox_of(user_id: int | None):
    """The notifications of the account ``user_id``, newest first (none for a system or anonymous caller)."""
    if user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user_id).order_by("-id")
