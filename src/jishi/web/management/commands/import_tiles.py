"""`jishi import-tiles FILE.mbtiles|DIR`: install an offline base-map tile package for every map."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jishi.web import tiles


class Command(BaseCommand):
    help = ("Install an offline tile package (MBTiles file, or a folder of z/x/y.png tiles) under "
            "JISHI_MAP_TILES_DIR; the maps then draw it under their boundaries.")

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--check", action="store_true", help="only validate; write nothing")

    def handle(self, *args, source: Path, check=False, **opts):
        try:
            facts = tiles.inspect(source) if check else tiles.install(source, who="jishi import-tiles")
        except tiles.TileError as exc:
            raise CommandError(f"{exc}（未做任何更改）") from exc
        self.stdout.write(f"{facts['name']}：{facts['kind']}，格式 {facts['format']}，"
                          f"缩放级别 {facts['minzoom']}–{facts['maxzoom']}")
        if facts["format"] not in tiles.RASTER:
            self.stdout.write(self.style.WARNING("矢量瓦片（pbf）可通过 /map/tiles/ 取用，但系统地图只绘制栅格瓦片"))
        if not check:
            self.stdout.write(self.style.SUCCESS(f"已安装到 {tiles.tiles_dir() / facts['file']}"))
