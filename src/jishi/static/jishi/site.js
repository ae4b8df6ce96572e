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
})();
