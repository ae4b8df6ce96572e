"""Tiny tile packages made in the test: real PNG tiles (zlib, no imaging library) in an MBTiles file or a folder."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path


def png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A solid-colour PNG with a darker 8-pixel grid, so a screenshot shows where the tiles are."""
    dark = bytes(c // 2 for c in rgb)
    plain = bytes(rgb)
    rows = []
    for y in range(size):
        line = b"".join(dark if (x % 32 < 2 or y % 32 < 2) else plain for x in range(size))
        rows.append(b"\x00" + line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


COLOURS = [(198, 226, 201), (222, 214, 190), (190, 212, 232), (230, 205, 205)]


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], **meta: str) -> Path:
    """An MBTiles file; ``tiles`` keyed by XYZ (z, x, y) as web maps count, stored with TMS rows."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    con.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    meta = {"name": "测试底图", "format": "png", "minzoom": str(min(z for z, _, _ in tiles)),
            "maxzoom": str(max(z for z, _, _ in tiles)), **meta}
    con.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    [(z, x, (2**z - 1) - y, data) for (z, x, y), data in tiles.items()])
    con.commit()
    con.close()
    return path


def lng_lat_tiles(z: int, lng: float, lat: float, radius: int = 2) -> list[tuple[int, int, int]]:
    """The XYZ tiles within ``radius`` of the tile holding (lng, lat) at zoom z."""
    import math

    n = 2**z
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return [(z, x + dx, y + dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)]
