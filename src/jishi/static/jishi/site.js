/* Site behaviour without inline handlers (the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  // Region tree: a twisty button toggles its node; htmx loads the children on the first click.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.twisty");
    if (!button) return;
    var li = button.closest("li[role=treeitem]");
    var open = li.getAttribute("aria-expanded") === "true";
    li.setAttribute("aria-expanded", open ? "false" : "true");
  });
  // Keyboard: ArrowRight opens a node, ArrowLeft closes it (when focus is on its twisty or link).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    var li = event.target.closest && event.target.closest("li[role=treeitem]");
    if (!li) return;
    var button = li.querySelector(":scope > button.twisty");
    if (!button) return;
    var open = li.getAttribute("aria-expanded") === "true";
    if ((event.key === "ArrowRight") !== open) { button.click(); event.preventDefault(); }
  });
  // CSP forbids inline handlers: <a data-print> prints the page, <select data-autosubmit> submits its form.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print]");
    if (!link) return;
    event.preventDefault();
    window.print();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });
  // Confirm before what cannot be undone: <form data-confirm="…"> (or a submit button with data-confirm) opens
  // the page's <dialog id="confirm-dialog"> stating what will happen; 取消 leaves everything as it was.
  // Placeholders in the text: {field:NAME} the value (a <select>: its chosen label) of a field of the form;
  // {checked} the ticked boxes, {groups} the distinct data-group of the ticked boxes, {sum} their data-points,
  // {list:KEY} the distinct data-KEY values of the ticked boxes ("、"-joined).
  function confirmText(form, text) {
    // form.elements: the form's own fields and those outside it that name it (<input form="…">, a table's rows)
    var boxes = Array.prototype.filter.call(form.elements, function (el) { return el.type === "checkbox" && el.checked; });
    var groups = {}, sum = 0;
    boxes.forEach(function (b) { groups[b.dataset.group || b.name] = 1; sum += Number(b.dataset.points || 0); });
    return text.replace(/\{field:([\w-]+)\}/g, function (_, name) {
      var f = form.elements.namedItem(name);
      if (!f) return "";
      if (f.tagName === "SELECT") return f.selectedIndex >= 0 ? f.options[f.selectedIndex].text : "";
      var radios = f.type === "radio" ? [f] : (f.tagName ? [] : Array.prototype.slice.call(f));
      if (radios.length) {
        var on = radios.filter(function (r) { return r.checked; })[0];
        return on ? (on.getAttribute("data-label") || on.value) : "";
      }
      return f.value;
    }).replace(/\{checked\}/g, String(boxes.length)).replace(/\{groups\}/g, String(Object.keys(groups).length))
      .replace(/\{sum\}/g, (sum > 0 ? "+" : "") + String(sum))
      .replace(/\{list:([\w-]+)\}/g, function (_, key) {  // the distinct data-KEY of the ticked boxes
        var seen = [];
        boxes.forEach(function (b) { var v = b.dataset[key]; if (v && seen.indexOf(v) < 0) seen.push(v); });
        return seen.length ? seen.join("、") : "—";
      });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var text = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!text || form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (!window.confirm(confirmText(form, text))) { event.preventDefault(); event.stopImmediatePropagation(); }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx listens to submit too: nothing is sent before the answer
    var need = form.getAttribute("data-confirm-needs");
    if (need && !Array.prototype.some.call(form.elements, function (el) { return el.matches(need); })) {
      dialog.querySelector("[data-confirm-text]").textContent = form.getAttribute("data-confirm-empty") || text;
      dialog.querySelector("[data-confirm-ok]").hidden = true;
    } else {
      dialog.querySelector("[data-confirm-text]").textContent = confirmText(form, text);
      dialog.querySelector("[data-confirm-ok]").hidden = false;
    }
    dialog.onclose = function () {
      if (dialog.returnValue !== "ok") return;
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      else form.submit();
    };
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("[data-confirm-cancel]").focus();
  }, true);
  // Filter a long table in the page (the inspection form): <input data-filter-rows="#table"> hides the rows whose
  // data-text lacks the words typed; <select data-filter-group="#table"> shows one <tbody data-group>. Ticks stay.
  function applyFilters(table) {
    var text = document.querySelector('[data-filter-rows="#' + table.id + '"]');
    var group = document.querySelector('[data-filter-group="#' + table.id + '"]');
    var words = text ? text.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
    var only = group ? group.value : "";
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var inGroup = !only || body.getAttribute("data-group") === only;
      var shown = 0;
      Array.prototype.forEach.call(body.querySelectorAll("tr[data-text]"), function (row) {
        var hay = row.getAttribute("data-text").toLowerCase();
        var ok = inGroup && words.every(function (w) { return hay.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      body.hidden = !inGroup || (words.length > 0 && shown === 0);
    });
  }
  document.addEventListener("input", function (event) {
    var sel = event.target.getAttribute && (event.target.getAttribute("data-filter-rows") || event.target.getAttribute("data-filter-group"));
    var table = sel && document.querySelector(sel);
    if (table) applyFilters(table);
  });
  document.addEventListener("change", function (event) {
    var sel = event.target.getAttribute && event.target.getAttribute("data-filter-group");
    var table = sel && document.querySelector(sel);
    if (table) applyFilters(table);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-group]"), function (el) {
    var table = document.querySelector(el.getAttribute("data-filter-group"));
    if (table && el.value) applyFilters(table);
  });
})();
