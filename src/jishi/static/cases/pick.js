/* Location picker of the report form: click the map (or use the device position) to set lng/lat.
   Boundaries come from <script id="pick-boundaries">; tiles only when a tile URL is configured. */
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el || !window.L) return;
  var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
  var status = document.getElementById("pick-status");
  var t = el.dataset;  // translated messages: data-t-picked, data-t-here, …
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
  window.jishiBaseLayer(map, el);
  var data = JSON.parse(document.getElementById("pick-boundaries").textContent || "{}");
  var layer = L.geoJSON(data, {
    style: { color: "#9b1c1c", weight: 1.5, fillColor: "#9b1c1c", fillOpacity: 0.08 },
    onEachFeature: function (f, lyr) { lyr.bindTooltip(f.properties.name, { sticky: true }); }
  }).addTo(map);
  if (data.features && data.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  else map.setView([31.8, 120.3], 12);
  var marker = null;
  function set(latlng, how) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.circleMarker(latlng, { radius: 9, color: "#fff", weight: 3, fillColor: "#9b1c1c", fillOpacity: 1 }).addTo(map);
    lng.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    status.textContent = how + " " + lng.value + ", " + lat.value;
  }
  if (lng.value && lat.value) set(L.latLng(+lat.value, +lng.value), t.tPicked);
  map.on("click", function (e) { set(e.latlng, t.tPicked); });
  layer.on("click", function (e) { set(e.latlng, t.tPicked); });
  var btn = document.getElementById("use-position");
  if (btn) btn.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.tNogeo; return; }
    status.textContent = t.tLocating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
      set(ll, t.tHere);
      map.setView(ll, Math.max(map.getZoom(), 15), { animate: false });
    }, function () { status.textContent = t.tFailed; }, { enableHighAccuracy: true, timeout: 10000 });
  });
  el.setAttribute("data-ready", "1");
})();
