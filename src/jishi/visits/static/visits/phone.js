/* The visitor's phone: nearest-first list, and visits kept on the phone while there is no signal.
   Every visit gets a UUID when its form is opened (the server's unique key): it is written to the phone's
   outbox (localStorage) first, then sent to the API; it leaves the outbox only once the server answered
   (201 stored, or 200 already stored), so a visit is stored exactly once however often it is re-sent. */
(function () {
  "use strict";
  var KEY = "jishi.visits.outbox";
  var box = document.getElementById("outbox");
  var api = box ? box.dataset.api : "";
  var csrf = box ? box.dataset.csrf : "";
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function show(text, kind) {
    if (!box) return;
    var items = load();
    document.getElementById("outbox-text").textContent = text || (items.length ? "有 " + items.length + " 条走访保存在手机上，有信号后自动发送" : "");
    box.className = "outbox " + (kind || (items.length ? "waiting" : ""));
    box.hidden = !(text || items.length);
    document.querySelectorAll(".visit-item").forEach(function (li) {
      var q = li.querySelector(".queued");
      if (q) q.hidden = !items.some(function (it) { return String(it.household_id) === li.dataset.household; });
    });
  }

  function send(item) {
    return fetch(api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(item)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    });
  }

  /* Send what waits, oldest first; stop at the first failure of the network (try again later). */
  function flush() {
    if (sending || !api) return Promise.resolve({ sent: 0, refused: [] });
    sending = true;
    var sent = 0, refused = [];
    function next() {
      var items = load();
      if (!items.length || !navigator.onLine) return Promise.resolve();
      var item = items[0];
      return send(item).then(function (res) {
        if (res.status === 200 || res.status === 201 || (res.status >= 400 && res.status < 500 && [401, 403, 408, 409, 429].indexOf(res.status) < 0)) {
          save(load().filter(function (it) { return it.client_uuid !== item.client_uuid; }));
          if (res.status < 300) sent += 1; else refused.push(res.body.detail || res.body.title || "提交被拒绝");
          return next();
        }
      }, function () { /* no signal: keep it */ });
    }
    return next().then(function () { sending = false; show(); return { sent: sent, refused: refused }; });
  }

  function fileAsBase64(file) {
    return new Promise(function (resolve) {
      if (!file) return resolve(null);
      var r = new FileReader();
      r.onload = function () { resolve({ name: file.name.slice(-90), content_base64: String(r.result).split(",")[1] || "" }); };
      r.onerror = function () { resolve(null); };
      r.readAsDataURL(file);
    });
  }

  var form = document.getElementById("visit-form");
  if (form) {
    var geo = document.getElementById("geo-state");
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (p) {
        form.lat.value = p.coords.latitude.toFixed(6); form.lng.value = p.coords.longitude.toFixed(6);
        geo.textContent = "已定位";
      }, function () { geo.textContent = "未能定位（不影响保存）"; }, { timeout: 8000, maximumAge: 60000 });
    } else { geo.textContent = ""; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = form.elements;
      var method = form.querySelector("input[name=method]:checked");
      fileAsBase64(f.photo.files[0]).then(function (photo) {
        var item = {
          client_uuid: f.client_uuid.value, household_id: +form.dataset.household, method: method ? method.value : "",
          visited_at: f.visited_at.value || null, people_met: f.people_met.value === "" ? 1 : +f.people_met.value,
          met_names: f.met_names.value, notes: f.notes.value,
          concerns: f.concerns.value.split("\n").filter(function (s) { return s.trim(); }),
          lat: f.lat.value ? +f.lat.value : null, lng: f.lng.value ? +f.lng.value : null, photo: photo
        };
        var items = load().filter(function (it) { return it.client_uuid !== item.client_uuid; });
        items.push(item);
        save(items);
        return flush().then(function (res) {
          if (res.refused.length) { show(res.refused.join("；"), "refused"); return; }
          if (load().some(function (it) { return it.client_uuid === item.client_uuid; })) {
            f.client_uuid.value = uuid4();  /* the next visit written here is another one */
            show("没有信号：这次走访已保存在手机上，有信号后自动发送", "waiting");
            return;
          }
          window.location.href = form.dataset.back + "?sent=" + res.sent;
        });
      });
    });
  }

  var list = document.getElementById("visit-list");
  var where = document.getElementById("where");
  if (list && where && where.dataset.near === "0" && navigator.geolocation && !sessionStorage.getItem("jishi.visits.geo")) {
    sessionStorage.setItem("jishi.visits.geo", "1");
    navigator.geolocation.getCurrentPosition(function (p) {
      var u = new URL(window.location.href);
      u.searchParams.set("lat", p.coords.latitude.toFixed(6)); u.searchParams.set("lng", p.coords.longitude.toFixed(6));
      window.location.replace(u.toString());
    }, function () {}, { timeout: 8000, maximumAge: 60000 });
  }

  if (box) document.getElementById("outbox-send").addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () {
    flush().then(function (res) {
      if (res.sent && !form) window.location.reload();
      else if (res.sent) show("已发送 " + res.sent + " 条保存在手机上的走访", "sent");
    });
  });
  show();
  if (navigator.onLine && load().length) flush().then(function (res) { if (res.sent && list) window.location.reload(); });
})();
