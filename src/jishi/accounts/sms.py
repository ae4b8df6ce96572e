"""Outbound SMS for codes. Configure with JISHI_SMS_BACKEND (a dotted path to a class with
``send(phone, text)``, e.g. a wrapper of the city's SMS gateway); the default is the console sender, which
writes each message to the log and keeps the last ones in memory (the demo, development, the tests)."""

from __future__ import annotations

import logging
import sys
from collections import deque
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("jishi.accounts.sms")
OUTBOX: deque[tuple[str, str]] = deque(maxlen=200)  # (phone, text) of the console sender, newest last


class ConsoleSender:
    """Writes each SMS to stderr and the log and keeps it in ``OUTBOX``: no gateway, nothing leaves the machine."""

    channel = "console"

    def send(self, phone: str, text: str) -> None:
        OUTBOX.append((phone, text))
        if getattr(settings, "PRODUCTION", False):  # a production server should send through a gateway
            log.warning("JISHI_SMS_BACKEND is the console sender: the code for …%s was printed, not sent", phone[-4:])
        log.info("SMS to %s: %s", phone, text)
        print(f"[sms → {phone}] {text}", file=sys.stderr)


@lru_cache(maxsize=4)
def _load(path: str):
    return import_string(path)()


def sender():
    """The configured sender (one instance per process and setting)."""
    return _load(settings.JISHI_SMS_BACKEND)


def last_to(phone: str) -> str | None:
    """The newest console message to ``phone`` (tests and the demo read their code here)."""
    for to, text in reversed(OUTBOX):
        if to == phone:
            return text
    return None
