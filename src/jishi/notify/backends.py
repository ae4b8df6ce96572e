"""Outbound channels. Configure with JISHI_NOTIFY_BACKEND (dotted path); the default prints to the console."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("jishi.notify")


class ConsoleBackend:
    """Writes each message to stderr: for development, demos and intranets without an SMS gateway."""

    channel = "console"

    def send(self, address: str, text: str) -> None:
        print(f"[notify → {address or '-'}] {text}", file=sys.stderr)


class NullBackend:
    """Sends nothing (tests)."""

    channel = "null"

    def send(self, address: str, text: str) -> None:
        return None
