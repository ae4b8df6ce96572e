"""Offline base maps: an installed tile package (MBTiles or a z/x/y folder) and the base layer every map uses.

``install(source)`` validates an MBTiles file (SQLite: ``tiles(zoom_level, tile_column, tile_row, tile_data)`` with
TMS rows, ``metadata(name, value)``) or a folder of ``z/x/y.png`` tiles, copies it under JISHI_MAP_TILES_DIR and
records it in ``package.json`` there (the record the web workers read; replaced atomically). ``read_tile()`` serves
one tile read-only; ``base_layer()`` says what the maps draw under their boundaries: the offline package when
installed, else JISHI_MAP_TILE_URL, else nothing (a plain background).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

MANIFEST = "package.json"
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "pbf": "application/x-protobuf"}
RASTER = ("png", "jpg", "webp")
MAX_ZOOM = 24
_TILE_FILE = re.compile(r"^(\d{1,2})/(\d{1,8})/(\d{1,8})\.(png|jpg|jpeg|webp|pbf)$")


class TileError(ValueError):
    """A file that is not a usable tile package; nothing was changed."""


@dataclass(frozen=True)
class Package:
    """The installed tile package as recorded in package.json."""

    kind: str  # "mbtiles" or "xyz"
    path: Path
    format: str
    name: str
    version: str  # content hash prefix: in the tile URL, so browsers may cache tiles for long
    minzoom: int
    maxzoom: int
    attribution: str
    ext: str = ""  # a folder's file extension (jpeg or jpg)

    @property
    def content_type(self) -> str:
        return FORMATS[self.format]


def tiles_dir() -> Path:
    return Path(settings.JISHI_MAP_TILES_DIR)


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "pbf"


def _format(value: str) -> str:
    value = (value or "").strip().lower()
    return "jpg" if value == "jpeg" else value


def inspect_mbtiles(path: Path) -> dict:
    """Validate an MBTiles file and return its facts; TileError (in Chinese) when it is not one."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise TileError(f"无法读取文件：{path}（{exc.strerror}）") from exc
    if head != b"SQLite format 3\x00":
        raise TileError(f"不是 MBTiles 文件：{path.name} 不是 SQLite 数据库")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise TileError(f"不是 MBTiles 文件：{path.name} 无法打开（{exc}）") from exc
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        missing = [t for t in ("tiles", "metadata") if t not in names]
        if missing:
            raise TileError(f"不是 MBTiles 文件：{path.name} 缺少表 {'、'.join(missing)}")
        cols = {r[1] for r in con.execute("PRAGMA table_info(tiles)")}
        need = {"zoom_level", "tile_column", "tile_row", "tile_data"}
        if not need <= cols:
            raise TileError(f"不是 MBTiles 文件：tiles 表缺少列 {'、'.join(sorted(need - cols))}")
        meta = {str(k): str(v) for k, v in con.execute("SELECT name, value FROM metadata")}
        first = con.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        if not first or not first[0]:
            raise TileError(f"MBTiles 文件中没有瓦片：{path.name}")
        zmin, zmax = con.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.DatabaseError as exc:
        raise TileError(f"不是 MBTiles 文件：{path.name} 已损坏或不是瓦片库（{exc}）") from exc
    finally:
        con.close()
    fmt = _format(meta.get("format", "")) or _sniff(bytes(first[0]))
    if fmt not in FORMATS:
        raise TileError(f"不支持的瓦片格式：{fmt}（支持 png、jpg、webp、pbf）")
    return {"kind": "mbtiles", "format": fmt, "name": meta.get("name", path.stem),
            "minzoom": int(meta.get("minzoom") or zmin), "maxzoom": int(meta.get("maxzoom") or zmax),
            "attribution": meta.get("attribution", "")}


def inspect_folder(path: Path) -> dict:
    """Validate a folder of z/x/y.<ext> tiles (XYZ rows, as web maps count them)."""
    zooms, exts, count = set(), set(), 0
    for file in path.rglob("*"):
        if not file.is_file():
            continue
        m = _TILE_FILE.match(file.relative_to(path).as_posix())
        if m:
            zooms.add(int(m[1]))
            exts.add(m[4])
            count += 1
    if not count:
        raise TileError(f"不是瓦片目录：{path} 下没有 z/x/y.png 形式的瓦片")
    if len(exts) > 1:
        raise TileError(f"瓦片目录混有多种格式：{'、'.join(sorted(exts))}")
    ext = exts.pop()
    return {"kind": "xyz", "format": _format(ext), "ext": ext, "name": path.name, "minzoom": min(zooms),
            "maxzoom": max(zooms), "attribution": "", "tiles": count}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(file.relative_to(path).as_posix().encode())
            h.update(str(file.stat().st_size).encode())
    else:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def inspect(source: Path) -> dict:
    if not source.exists():
        raise TileError(f"文件不存在：{source}")
    return inspect_folder(source) if source.is_dir() else inspect_mbtiles(source)


def install(source: Path, *, who: str = "") -> dict:
    """Validate ``source``, copy it under JISHI_MAP_TILES_DIR and record it as the installed package.

    A file that fails validation raises TileError before anything is written. The previous package is removed
    after the record points at the new one (a worker still reading it keeps its open file)."""
    from jishi.core import audit

    facts = inspect(source)
    facts["sha256"] = _digest(source)
    root = tiles_dir()
    root.mkdir(parents=True, exist_ok=True)
    name = f"package-{facts['sha256'][:12]}-{uuid.uuid4().hex[:6]}"
    target = root / (name if facts["kind"] == "xyz" else f"{name}.mbtiles")
    tmp = root / f".{name}.tmp"
    try:
        if facts["kind"] == "xyz":
            shutil.copytree(source, tmp)
        else:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except OSError as exc:  # a full disk or a read error half-way: leave nothing behind, keep the old package
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        raise TileError(f"复制瓦片包失败：{exc}") from exc
    old = current()
    record = {**facts, "file": target.name, "source": str(source), "imported_at": timezone.now().isoformat(),
              "imported_by": who}
    manifest_tmp = root / f".{MANIFEST}.tmp"
    manifest_tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(manifest_tmp, root / MANIFEST)
    if old and old.path != target and old.path.exists():
        shutil.rmtree(old.path) if old.path.is_dir() else old.path.unlink()
    audit.record(None, "map.import_tiles", object_type="map.tiles", object_id=facts["sha256"][:12],
                 summary=f"离线地图瓦片包：{facts['name']}（{facts['format']}，{facts['minzoom']}–{facts['maxzoom']} 级）",
                 data={k: v for k, v in record.items() if k != "source"})
    return record


_cache: dict = {}
_lock = threading.Lock()


def current() -> Package | None:
    """The installed package (package.json re-read when it changes; one stat per call), or None."""
    path = tiles_dir() / MANIFEST
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    with _lock:
        if _cache.get("stamp") == stamp:
            return _cache["package"]
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
        pkg = Package(kind=rec["kind"], path=tiles_dir() / rec["file"], format=rec["format"], name=rec["name"],
                      version=rec["sha256"][:12], minzoom=int(rec["minzoom"]), maxzoom=int(rec["maxzoom"]),
                      attribution=rec.get("attribution", ""), ext=rec.get("ext", ""))
    except (OSError, ValueError, KeyError):
        pkg = None
    with _lock:
        _cache.update(stamp=stamp, package=pkg)
    return pkg


_local = threading.local()


def _connection(pkg: Package) -> sqlite3.Connection:
    """A read-only connection to the package, one per thread, reopened when another package is installed."""
    con = getattr(_local, "con", None)
    if con is not None and _local.path == pkg.path:
        return con
    if con is not None:
        con.close()
    _local.con = sqlite3.connect(f"{pkg.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    _local.path = pkg.path
    return _local.con


def read_tile(pkg: Package, z: int, x: int, y: int) -> bytes | None:
    """One tile at XYZ coordinates (web maps count rows from the top; MBTiles stores TMS rows from the bottom)."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    if pkg.kind == "xyz":
        try:
            return (pkg.path / str(z) / str(x) / f"{y}.{pkg.ext or pkg.format}").read_bytes()
        except OSError:
            return None
    row = _connection(pkg).execute(
        "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
        (z, x, (2**z - 1) - y)).fetchone()
    return bytes(row[0]) if row and row[0] else None


def base_layer() -> dict:
    """What the maps draw under their boundaries: {url, attribution, zoom ("min-max" of the package) or ""}."""
    pkg = current()
    if pkg is not None and pkg.format in RASTER:
        return {"url": f"/map/tiles/{{z}}/{{x}}/{{y}}.{pkg.format}?v={pkg.version}",
                "attribution": pkg.attribution or settings.JISHI_MAP_TILE_ATTRIBUTION,
                "zoom": f"{pkg.minzoom}-{pkg.maxzoom}"}
    return {"url": settings.JISHI_MAP_TILE_URL, "attribution": settings.JISHI_MAP_TILE_ATTRIBUTION, "zoom": ""}
