/* Cockpit map (Leaflet, vendored): grid/village boundaries coloured by closure rate, recent cases
   as a heat layer and clustered markers. No tiles unless JISHI_MAP_TILE_URL is configured.
   Clicking an area (or its name in the data table) opens that area's own map: village → its grids.
   Labels come translated from the page (data-t-*). */
(function () {
  "use strict";
  var node = document.getElementById("cockpit-map");
  if (!node || !window.L) return;
  var t = node.dataset;
  var map = L.map(node, { preferCanvas: true, maxZoom: 19, minZoom: 3, attributionControl: !!node.dataset.tiles });
  window.jishiBaseLayer(map, node);
  function colour(rate) {
    if (rate === null || rate === undefined) return "#9ca3af";
    return rate >= 95 ? "#15803d" : rate >= 80 ? "#d97706" : "#b91c1c";
  }
  fetch(node.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    var areas = L.geoJSON(d.areas, {
      style: function (f) { return { color: "#374151", weight: 1, fillColor: colour(f.properties.rate), fillOpacity: 0.35 }; },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(p.name + " · " + t.tReceived + " " + p.received + " · " + t.tRate + " " +
          (p.rate === null ? "—" : p.rate + "%") + (p.url ? " · " + t.tDrill : ""));
        if (p.url) layer.on("click", function () { window.location.href = p.url; });
      }
    }).addTo(map);
    var tbody = document.querySelector("#area-table tbody");
    d.areas.features.forEach(function (f) {
      var tr = document.createElement("tr");
      [f.properties.name, f.properties.received, f.properties.rate === null ? "—" : f.properties.rate + "%"].forEach(function (v, i) {
        var td = document.createElement("td");
        if (i === 0 && f.properties.url) {
          var a = document.createElement("a"); a.href = f.properties.url; a.textContent = v; td.appendChild(a);
        } else {
          td.textContent = v;
        }
        if (i) td.className = "num";
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var heat = L.heatLayer(d.points.map(function (p) { return [p[0], p[1], 0.6]; }), { radius: 18, blur: 14 });
    var cluster = L.markerClusterGroup({ chunkedLoading: true });
    d.points.forEach(function (p) {
      cluster.addLayer(L.circleMarker([p[0], p[1]], { radius: 5, color: "#1d4ed8" })
        .bindPopup('<a href="' + node.dataset.caseUrl + p[2] + '/">#' + p[2] + "</a>"));
    });
    heat.addTo(map);
    cluster.addTo(map);
    var overlays = {};
    overlays[t.tHeat] = heat; overlays[t.tPoints] = cluster; overlays[t.tAreas] = areas;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    node.jishiMap = map;  // for the browser test that clicks an area
    var b = areas.getBounds();
    if (b.isValid()) map.fitBounds(b); else map.setView([31.8, 120.2], 11);
    node.dataset.ready = String(d.points.length);
  });
})();
