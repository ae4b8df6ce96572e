"""Offline base maps: `jishi import-tiles`, the /map/tiles/ endpoint and the base layer every map page is given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jishi.core.models import AuditRecord
from jishi.web import tiles
from tests.web.tilekit import make_mbtiles, png

pytestmark = pytest.mark.django_db

RED, BLUE = png((200, 40, 40), 8), png((40, 40, 200), 8)


@pytest.fixture
def package(tmp_path) -> Path:
    return make_mbtiles(tmp_path / "city.mbtiles", {(0, 0, 0): BLUE, (3, 6, 2): RED}, attribution="测绘院")


def test_import_tiles_copies_the_package_and_records_it(package, settings, capsys):
    call_command("import_tiles", str(package))
    root = Path(settings.JISHI_MAP_TILES_DIR)
    record = json.loads((root / "package.json").read_text(encoding="utf-8"))
    assert record["kind"] == "mbtiles" and record["format"] == "png"
    assert (record["minzoom"], record["maxzoom"], record["attribution"]) == (0, 3, "测绘院")
    assert (root / record["file"]).read_bytes() == package.read_bytes()
    assert AuditRecord.objects.filter(action="map.import_tiles", object_id=record["sha256"][:12]).exists()
    assert "已安装" in capsys.readouterr().out


def test_a_second_import_replaces_the_first_and_removes_its_file(package, tmp_path, settings):
    call_command("import_tiles", str(package))
    first = tiles.current()
    other = make_mbtiles(tmp_path / "other.mbtiles", {(1, 0, 0): RED})
    call_command("import_tiles", str(other))
    assert tiles.current().version != first.version
    assert not first.path.exists()
    assert sorted(p.name for p in Path(settings.JISHI_MAP_TILES_DIR).iterdir())[-1] == "package.json"


@pytest.mark.parametrize("content", [b"not a database at all", b""])
def test_import_tiles_refuses_a_file_that_is_not_sqlite_and_changes_nothing(tmp_path, settings, content):
    bad = tmp_path / "photo.mbtiles"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match="不是 MBTiles 文件.*未做任何更改"):
        call_command("import_tiles", str(bad))
    assert not Path(settings.JISHI_MAP_TILES_DIR).exists()
    assert tiles.current() is None


def test_import_tiles_refuses_an_sqlite_file_without_the_tiles_table(tmp_path, settings, package):
    import sqlite3

    call_command("import_tiles", str(package))
    before = tiles.current()
    db = tmp_path / "other.sqlite3"
    sqlite3.connect(db).execute("CREATE TABLE metadata (name text, value text)").connection.commit()
    with pytest.raises(CommandError, match="缺少表 tiles"):
        call_command("import_tiles", str(db))
    assert tiles.current() == before and before.path.exists()  # the installed package is untouched


def test_import_tiles_refuses_an_empty_package_and_a_missing_file(tmp_path):
    empty = make_mbtiles(tmp_path / "empty.mbtiles", {(0, 0, 0): b""})
    with pytest.raises(CommandError, match="没有瓦片"):
        call_command("import_tiles", str(empty))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_tiles", str(tmp_path / "nowhere.mbtiles"))


def test_check_validates_without_installing(package):
    call_command("import_tiles", str(package), "--check")
    assert tiles.current() is None


def test_a_folder_of_xyz_tiles_is_installed_and_served(tmp_path, client, login):
    folder = tmp_path / "xyz"
    (folder / "3" / "6").mkdir(parents=True)
    (folder / "3" / "6" / "2.png").write_bytes(RED)
    call_command("import_tiles", str(folder))
    login("grid_worker")
    response = client.get("/map/tiles/3/6/2.png")
    assert response.status_code == 200 and response.content == RED  # folders count rows from the top: no flip
    assert client.get("/map/tiles/3/6/5.png").status_code == 404


def test_a_folder_without_tiles_is_refused(tmp_path):
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    with pytest.raises(CommandError, match="没有 z/x/y.png"):
        call_command("import_tiles", str(tmp_path / "empty"))


def test_tile_is_read_with_the_row_flipped_from_xyz_to_tms(package, client, login):
    call_command("import_tiles", str(package))
    login("grid_worker")
    response = client.get("/map/tiles/3/6/2.png")  # stored as TMS row 2**3 - 1 - 2 = 5
    assert response.status_code == 200
    assert response.content == RED
    assert response["Content-Type"] == "image/png"
    assert "max-age=2592000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert response["ETag"]
    again = client.get("/map/tiles/3/6/2.png", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/map/tiles/0/0/0.png").content == BLUE


@pytest.mark.parametrize("url", [
    "/map/tiles/3/6/5.png",  # the TMS row itself, read as XYZ: no tile there
    "/map/tiles/4/0/0.png",  # a zoom the package does not have
    "/map/tiles/3/8/0.png",  # x beyond 2**z - 1
    "/map/tiles/99/1/1.png",
    "/map/tiles/3/99999999999999999999999/1.png",  # beyond SQLite's 64-bit integers
    "/map/tiles/3/-1/2.png",
    "/map/tiles/3/6/2.jpg",  # not the package's format
    "/map/tiles/3/6/2.exe",
])
def test_missing_or_impossible_tiles_are_404(package, client, login, url):
    call_command("import_tiles", str(package))
    login("grid_worker")
    assert client.get(url).status_code == 404


def test_tiles_without_a_package_are_404(client, login):
    login("grid_worker")
    assert client.get("/map/tiles/0/0/0.png").status_code == 404


def test_tiles_are_for_signed_in_users_only(package, client):
    call_command("import_tiles", str(package))
    response = client.get("/map/tiles/0/0/0.png")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_maps_use_the_package_before_the_tile_url(package, client, login, settings, city):
    settings.JISHI_MAP_TILE_URL = "https://t0.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}"
    login("grid_worker")
    html = client.get("/cases/report/").content.decode()
    assert 'data-tiles="https://t0.tianditu.gov.cn/vec_w/wmts?x={x}&amp;y={y}&amp;l={z}"' in html
    call_command("import_tiles", str(package))
    html = client.get("/cases/report/").content.decode()
    version = tiles.current().version
    assert f'data-tiles="/map/tiles/{{z}}/{{x}}/{{y}}.png?v={version}"' in html
    assert 'data-attribution="测绘院"' in html and 'data-tiles-zoom="0-3"' in html


def test_without_package_or_url_maps_have_a_plain_background(client, login, settings):
    settings.JISHI_MAP_TILE_URL = ""
    login("grid_worker")
    assert 'data-tiles=""' in client.get("/cases/report/").content.decode()


def test_a_vector_package_is_served_but_not_drawn(tmp_path, client, login):
    import gzip

    pbf = make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): gzip.compress(b"\x1a\x00")}, format="pbf")
    call_command("import_tiles", str(pbf))
    login("grid_worker")
    response = client.get("/map/tiles/0/0/0.pbf")
    assert response["Content-Type"] == "application/x-protobuf" and response["Content-Encoding"] == "gzip"
    assert 'data-tiles=""' in client.get("/cases/report/").content.decode()
