"""Webhook signatures: ``X-Jishi-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>``.

The receiver recomputes the HMAC over the exact bytes it received, compares in constant time and
refuses a timestamp too far from its own clock (a replayed old request). This module has no Django
imports so a receiver can copy it as it is (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time

VERSION = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Jishi-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    message = f"{int(timestamp)}.".encode() + body
    return f"{VERSION}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(secret: str, timestamp: str | int, body: bytes, header: str, tolerance: int | None = 300,
                     now: float | None = None) -> bool:
    """True when ``header`` is a valid signature of ``body`` at ``timestamp`` and, unless ``tolerance`` is
    None, the timestamp lies within ``tolerance`` seconds of ``now`` (default: this machine's clock).

    ``header`` may carry several comma-separated signatures (``v1=…,v1=…``, e.g. while a secret is
    rotated); one valid ``v1`` is enough."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if tolerance is not None and abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = sign(secret, ts, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in (header or "").split(",")
               if part.strip().startswith(f"{VERSION}="))
