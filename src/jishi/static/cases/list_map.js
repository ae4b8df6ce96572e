/* The map of a case list: clustered markers, each opening its case. Data from #list-map-points (json_script). */
(function () {
  "use strict";
  var el = document.getElementById("list-map");
  var data = document.getElementById("list-map-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, { zoomControl: true, maxZoom: 18, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  points.forEach(function (p) {
    var link = document.createElement("a");
    link.href = el.dataset.caseUrl + p.id + "/";
    link.textContent = p.n + " " + p.t;
    var box = document.createElement("div");
    box.appendChild(link);
    var state = document.createElement("div");
    state.className = "small muted";
    state.textContent = p.s;
    box.appendChild(state);
    cluster.addLayer(L.circleMarker([p.lat, p.lng], { radius: 7, color: "#fff", weight: 2, fillColor: "#9b1c1c",
      fillOpacity: 1 }).bindPopup(box));
  });
  cluster.addTo(map);
  if (points.length) {
    map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([31.8, 120.35], 10);
  }
  el.setAttribute("data-ready", String(points.length));
})();
