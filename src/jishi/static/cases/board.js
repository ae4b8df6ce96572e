/* Command board: "select all" for bulk dispatch. */
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('input[name="ids"][form="bulk"]').forEach(function (box) { box.checked = all.checked; });
  });
})();
