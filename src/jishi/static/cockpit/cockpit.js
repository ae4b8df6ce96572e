/* Cockpit charts (ECharts, vendored). Data comes from the json_script block "cockpit-data";
   every chart has a data table in a <details> next to it. */
(function () {
  "use strict";
  var el = document.getElementById("cockpit-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var dark = document.body.classList.contains("screen");
  var theme = dark ? "dark" : null;
  var text = dark ? "#e5e7eb" : "#1f2937";
  var base = { backgroundColor: "transparent", textStyle: { color: text }, animation: false,
               grid: { left: 48, right: 16, top: 32, bottom: 32 }, tooltip: { trigger: "axis" } };
  var charts = [];
  function make(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var c = echarts.init(node, theme, { renderer: "canvas" });
    c.setOption(Object.assign({}, base, option));
    charts.push(c);
  }
  var received = data.labels.received, closed = data.labels.closed;  // translated by the page
  make("chart-trend", {
    legend: { data: [received, closed], textStyle: { color: text } },
    xAxis: { type: "category", data: data.trend.map(function (r) { return r.day.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: received, type: "line", data: data.trend.map(function (r) { return r.received; }), color: "#b91c1c" },
      { name: closed, type: "line", data: data.trend.map(function (r) { return r.closed; }), color: "#2563eb" }
    ]
  });
  make("chart-channels", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["30%", "55%"], label: { color: text, alignTo: "edge", edgeDistance: 4, width: 56, overflow: "break" }, labelLine: { length: 8, length2: 0 },
               data: data.channels.map(function (r) { return { name: r.label, value: r.n }; }) }]
  });
  make("chart-categories", {
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.categories.map(function (r) { return r.label; }) },
    grid: { left: 110, right: 16, top: 16, bottom: 24 },
    series: [{ type: "bar", color: "#b91c1c", barMaxWidth: 28, data: data.categories.map(function (r) { return r.n; }) }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = "1";
})();
