"""Outbound channels. Configure with JISHI_NOTIFY_BACKEND (dotted path); the default prints to the console.

A backend sends a text (``send(address, text)``) and may bridge a masked call-back (``call(from_address,
to_address)``: the platform rings the staff member, then the reporter, and joins them — neither sees the
other's number; an operator's AXB / call-back gateway goes here)."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("jishi.notify")


class ConsoleBackend:
    """Writes each message to stderr: for development, demos and intranets without an SMS gateway."""

    channel = "console"

    def send(self, address: str, text: str) -> None:
        print(f"[notify → {address or '-'}] {text}", file=sys.stderr)

    def call(self, from_address: str, to_address: str) -> None:
        print(f"[call relay] {from_address or '-'} ⇄ {to_address or '-'}", file=sys.stderr)


class NullBackend:
    """Sends nothing (tests)."""

    channel = "null"

    def send(self, address: str, text: str) -> None:
        return None

    def call(self, from_address: str, to_address: str) -> None:
        return None
