/* Command board: "select all" for the bulk bar; Enter in the 督办 note supervises (not the form's first button). */
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="ids"][form="bulk"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
  var note = document.getElementById("bulk-note");
  var supervise = document.querySelector('[data-testid="bulk-supervise"]');
  if (note && supervise) {
    note.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      supervise.click();
    });
  }
})();
