/* The 8-minute circle on a map: households outside (red), venues (blue, a faint circle of straight-line reach),
   suggested sites (amber, numbered). No tiles unless configured. */
(function () {
  "use strict";
  var el = document.getElementById("circle-map");
  var data = document.getElementById("circle-data");
  if (!el || !data || !window.L) return;
  var d = JSON.parse(data.textContent || "{}");
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var all = L.featureGroup();
  (d.venues || []).forEach(function (v) {
    if (d.reach_m) L.circle([v.lat, v.lng], { radius: d.reach_m, weight: 0, fillColor: "#1d4ed8", fillOpacity: 0.06, interactive: false }).addTo(map);
    L.circleMarker([v.lat, v.lng], { radius: 5, weight: 1, color: "#fff", fillColor: "#1d4ed8", fillOpacity: 0.95, className: "venue-dot" })
      .bindTooltip(v.name + (v.kind_label ? " · " + v.kind_label : "")).addTo(all);
  });
  (d.outside || []).forEach(function (p) {
    L.circleMarker([p[2], p[1]], { radius: 3, weight: 0, fillColor: "#b91c1c", fillOpacity: 0.8, className: "outside-dot" })
      .bindTooltip(p[3] === null ? "—" : p[3] + " min").addTo(all);
  });
  (d.sites || []).forEach(function (s) {
    L.marker([s.lat, s.lng], { icon: L.divIcon({ className: "site-icon", html: "<span>" + s.rank + "</span>", iconSize: [22, 22] }) })
      .bindTooltip(s.label + " +" + s.adds).addTo(all);
  });
  all.addTo(map);
  if (all.getLayers().length) map.fitBounds(all.getBounds(), { padding: [16, 16], maxZoom: 17 });
  else map.setView([31.8, 120.3], 10);
  el.setAttribute("data-outside", String((d.outside || []).length));
  el.setAttribute("data-ready", "1");
})();
