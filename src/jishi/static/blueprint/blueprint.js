/* The battle map (挂图作战): town boundaries (no tiles unless configured) and one marker per project, coloured by
   supervision and status; the print buttons. No inline script (CSP). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  var el = document.getElementById("bp-map");
  var data = document.getElementById("bp-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var colours = { red: "#b91c1c", yellow: "#d97706", blue: "#2563eb", green: "#15803d", grey: "#9ca3af" };
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var bounds = null;
  var order = { grey: 0, green: 1, blue: 2, yellow: 3, red: 4 };
  points.sort(function (a, b) { return order[a.c] - order[b.c]; });  // red on top
  points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lng], { radius: p.c === "red" ? 9 : 7, color: "#fff", weight: 2,
      fillColor: colours[p.c] || "#9ca3af", fillOpacity: 0.95, className: "bp-marker bp-marker-" + p.c });
    m.bindTooltip(p.t + " · " + p.r + " · " + p.o + " · " + p.p + "%");
    m.on("click", function () { window.location.href = "/blueprint/" + p.id + "/"; });
    m.addTo(map);
    var ll = L.latLng(p.lat, p.lng);
    bounds = bounds ? bounds.extend(ll) : L.latLngBounds(ll, ll);
  });
  function done() {
    if (bounds) map.fitBounds(bounds.pad(0.15));
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
      if (g.features && g.features.length) { var b = layer.getBounds(); bounds = bounds ? bounds.extend(b) : b; }
    })
    .catch(function () {})
    .then(done);
})();
