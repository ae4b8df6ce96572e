"""Voucher QR codes as PNG without Pillow: the ``qrcode`` package computes the matrix, and a tiny
PNG writer (zlib + CRC from the standard library) draws it as 8-bit greyscale."""

from __future__ import annotations

import struct
import zlib

import qrcode


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def qr_png(text: str, scale: int = 8, border: int = 2) -> bytes:
    """The QR code of ``text`` as PNG bytes (black modules on white, ``scale`` pixels per module)."""
    qr = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # includes the border
    size = len(matrix) * scale
    rows = []
    for row in matrix:
        line = b"\x00" + b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        rows.extend([line] * scale)
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + _chunk(b"IEND", b""))
