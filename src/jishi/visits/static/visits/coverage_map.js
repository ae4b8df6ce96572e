/* The households of a coverage view on a map: red not yet visited, green visited (no tiles unless configured). */
(function () {
  "use strict";
  var el = document.getElementById("visit-map");
  var data = document.getElementById("visit-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent || "[]");
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var layer = L.featureGroup();
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9,
      fillColor: p.visited ? "#15803d" : "#b91c1c", className: p.visited ? "hh-visited" : "hh-unvisited" })
      .bindTooltip(p.code).addTo(layer);
  });
  layer.addTo(map);
  if (points.length) map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 17 });
  else map.setView([31.8, 120.3], 10);
  el.setAttribute("data-ready", "1");
})();
