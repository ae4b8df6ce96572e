"""QR codes drawn offline as inline SVG (the pinned ``qrcode`` package, as the TOTP enrolment does)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def svg(text: str) -> str:
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return img.to_string(encoding="unicode")
