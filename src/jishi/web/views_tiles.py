"""/map/tiles/<z>/<x>/<y>.<ext>: one tile of the installed offline package (``jishi.web.tiles``).

Signed-in users only: the maps that use it are all behind the login, a licensed tile package (天地图 and most
commercial ones) may not be published beyond the intranet's users, and a server that also faces residents on the
internet must not become an open tile server. The URL carries the package version (?v=), so a tile is cached by
the browser for 30 days as immutable; a new package changes the URL.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import condition, require_safe

from jishi.web import tiles

MAX_AGE = 30 * 86400


def _etag(request: HttpRequest, z: int, x: int, y: int, ext: str) -> str | None:
    pkg = tiles.current()
    return f"{pkg.version}-{z}-{x}-{y}-{ext}" if pkg else None


@require_safe
@login_required
@condition(etag_func=_etag)
def tile(request: HttpRequest, z: int, x: int, y: int, ext: str) -> HttpResponse:
    pkg = tiles.current()
    data = None
    if pkg is not None and tiles.FORMATS.get("jpg" if ext == "jpeg" else ext) == pkg.content_type:
        data = tiles.read_tile(pkg, z, x, y)
    if data is None:  # outside the package (maps ask beyond its edges all the time): a plain, cheap 404
        missing = HttpResponseNotFound(b"no such tile", content_type="text/plain")
        patch_cache_control(missing, private=True, max_age=3600)
        return missing
    resp = HttpResponse(data, content_type=pkg.content_type)
    if pkg.format == "pbf" and data[:2] == b"\x1f\x8b":
        resp["Content-Encoding"] = "gzip"
    resp["ETag"] = quote_etag(f"{pkg.version}-{z}-{x}-{y}-{ext}")
    patch_cache_control(resp, private=True, max_age=MAX_AGE, immutable=True)
    return resp
