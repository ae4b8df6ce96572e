/* The base layer under every Leaflet map, from the map element's data attributes (web/_basemap.html):
   data-tiles (the offline package's /map/tiles/… URL, else JISHI_MAP_TILE_URL, else empty: a plain background),
   data-attribution, data-tiles-zoom ("min-max" of an offline package: deeper zooms enlarge its last level). */
(function () {
  "use strict";
  window.jishiBaseLayer = function (map, el) {
    var d = el.dataset;
    if (!d.tiles) { el.classList.add("no-tiles"); return null; }
    var opts = { attribution: d.attribution || "", maxZoom: 18, className: "base-tiles" };
    var zoom = (d.tilesZoom || "").split("-");
    if (zoom.length === 2 && zoom[1] !== "") opts.maxNativeZoom = +zoom[1];
    return L.tileLayer(d.tiles, opts).addTo(map);
  };
})();
