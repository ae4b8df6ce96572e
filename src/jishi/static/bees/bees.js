/* The stations map: one marker per 小蜜蜂驿站 (size by members), over the town boundaries. No inline script (CSP). */
(function () {
  "use strict";
  var el = document.getElementById("bees-map");
  var data = document.getElementById("bees-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var bounds = null;
  points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lng], { radius: 5 + Math.min(8, Math.sqrt(p.m)), color: "#fff", weight: 2,
      fillColor: "#d97706", fillOpacity: 0.95, className: "bees-marker" });
    m.bindTooltip(p.t + " · " + p.m);
    m.on("click", function () { window.location.href = "/bees/stations/" + p.id + "/"; });
    m.addTo(map);
    var ll = L.latLng(p.lat, p.lng);
    bounds = bounds ? bounds.extend(ll) : L.latLngBounds(ll, ll);
  });
  function done() {
    if (bounds) map.fitBounds(bounds.pad(0.15), { maxZoom: 15 });
    else map.setView([31.8, 120.3], 10);
    el.setAttribute("data-ready", "1");
  }
  var url = el.dataset.geojson;
  if (!url) { done(); return; }
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : { features: [] }; })
    .then(function (g) {
      var layer = L.geoJSON(g, { interactive: false, style: function () { return { color: "#64748b", weight: 1, fillColor: "#e2e8f0", fillOpacity: 0.35 }; } }).addTo(map);
      layer.bringToBack();
      if (!bounds && g.features && g.features.length) { bounds = layer.getBounds(); }
    })
    .catch(function () {})
    .then(done);
})();
