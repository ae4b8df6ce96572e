/* The small map of a case: one marker at its location (tiles only when configured). */
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  if (!el || !window.L) return;
  var ll = L.latLng(+el.dataset.lat, +el.dataset.lng);
  var map = L.map(el, { zoomControl: true, attributionControl: !!el.dataset.tiles }).setView(ll, 16);
  window.jishiBaseLayer(map, el);
  L.circle(ll, { radius: 200, color: "#9b1c1c", weight: 1, fillOpacity: 0.06 }).addTo(map);
  L.circleMarker(ll, { radius: 9, color: "#fff", weight: 3, fillColor: "#9b1c1c", fillOpacity: 1 }).addTo(map);
  el.setAttribute("data-ready", "1");
})();
