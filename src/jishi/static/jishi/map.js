/* Boundary maps: draws GeoJSON of visible regions with Leaflet (no tiles unless configured).
   <div id="map" data-geojson="url[ url2]" data-detail="/regions/0/" data-tiles="" data-attribution=""> */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var detail = el.dataset.detail || "";
  var palette = ["#9b1c1c", "#1d4ed8", "#047857", "#b45309", "#6d28d9", "#be185d", "#0f766e", "#4d7c0f"];
  var urls = (el.dataset.geojson || "").split(" ").filter(Boolean);
  var bounds = null;
  var done = 0;
  urls.forEach(function (url, layerIndex) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var outline = layerIndex === 0 && urls.length > 1;
        var layer = L.geoJSON(data, {
          interactive: !outline,
          style: function (f) {
            var c = palette[f.properties.id % palette.length];
            return outline ? { color: "#7f1d1d", weight: 3, fill: false, dashArray: "6 4", interactive: false, className: "region-outline" }
                           : { color: c, weight: 1.5, fillColor: c, fillOpacity: 0.18, className: "region" };
          },
          onEachFeature: function (f, lyr) {
            if (outline) return;
            var many = data.features.length > 40;
            lyr.bindTooltip(f.properties.name, many ? { sticky: true } : { permanent: true, direction: "center", className: "region-label" });
            if (!outline && detail) {
              lyr.on("click", function () { window.location.href = detail.replace("/0/", "/" + f.properties.id + "/"); });
            }
          }
        }).addTo(map);
        if (outline) layer.bringToBack();
        if (data.features && data.features.length) {
          var b = layer.getBounds();
          bounds = bounds ? bounds.extend(b) : b;
        }
      })
      .catch(function () {})
      .then(function () {
        done += 1;
        if (done === urls.length) {
          if (bounds) map.fitBounds(bounds, { padding: [12, 12] });
          else map.setView([31.8, 120.3], 10);
          el.setAttribute("data-ready", "1");
        }
      });
  });
})();
