/* Cockpit map (Leaflet, vendored): grid/village boundaries coloured by closure rate, recent cases
   as a heat layer and clustered markers. No tiles unless JISHI_MAP_TILE_URL is configured. */
(function () {
  "use strict";
  var node = document.getElementById("cockpit-map");
  if (!node || !window.L) return;
  var map = L.map(node, { preferCanvas: true, maxZoom: 19, minZoom: 3, attributionControl: !!node.dataset.tiles });
  if (node.dataset.tiles) {
    L.tileLayer(node.dataset.tiles, { attribution: node.dataset.attribution || "" }).addTo(map);
  }
  function colour(rate) {
    if (rate === null || rate === undefined) return "#9ca3af";
    return rate >= 95 ? "#15803d" : rate >= 80 ? "#d97706" : "#b91c1c";
  }
  fetch(node.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    var areas = L.geoJSON(d.areas, {
      style: function (f) { return { color: "#374151", weight: 1, fillColor: colour(f.properties.rate), fillOpacity: 0.35 }; },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(p.name + "：受理 " + p.received + "，办结率 " + (p.rate === null ? "—" : p.rate + "%"));
      }
    }).addTo(map);
    var tbody = document.querySelector("#area-table tbody");
    d.areas.features.forEach(function (f) {
      var tr = document.createElement("tr");
      [f.properties.name, f.properties.received, f.properties.rate === null ? "—" : f.properties.rate + "%"].forEach(function (v, i) {
        var td = document.createElement("td"); td.textContent = v; if (i) td.className = "num"; tr.appendChild(td);
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
    L.control.layers(null, { "热力图": heat, "事件点": cluster, "区域办结率": areas }, { collapsed: false }).addTo(map);
    var b = areas.getBounds();
    if (b.isValid()) map.fitBounds(b); else map.setView([31.8, 120.2], 11);
    node.dataset.ready = String(d.points.length);
  });
})();
