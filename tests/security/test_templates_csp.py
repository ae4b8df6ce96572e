"""Templates stay compatible with the Content-Security-Policy: an inline <script> carries the nonce,
and no element uses an inline event handler (on…=) or a javascript: URL, which no nonce can allow."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "jishi"
TEMPLATES = [p for p in SRC.rglob("templates/**/*.html")]
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_templates_are_found():
    assert len(TEMPLATES) > 5


def test_inline_scripts_carry_the_nonce():
    offenders = []
    for path in TEMPLATES:
        for attrs in SCRIPT.findall(path.read_text()):
            if "src=" in attrs or "application/json" in attrs or "application/ld+json" in attrs:
                continue
            if 'nonce="{{ csp_nonce }}"' not in attrs:
                offenders.append(str(path.relative_to(SRC)))
    assert not offenders, f'add nonce="{{{{ csp_nonce }}}}" to the inline <script> in: {offenders}'


def test_no_inline_event_handlers_or_javascript_urls():
    offenders = [str(p.relative_to(SRC)) for p in TEMPLATES
                 if HANDLER.search(p.read_text()) or "javascript:" in p.read_text()]
    assert not offenders, f"use a listener in a static .js file instead of on…= attributes: {offenders}"
