/* Selection counter and "select every row on this page" for list forms (progressive: the form works without it).
   A form marked data-select-form holds row checkboxes [data-row], an optional page box [data-select-page],
   an optional "all matching" box [data-select-matching] and an <output data-selected>; the Chinese texts come
   from the page in data-text-some / data-text-all (with {n}). */
(function () {
  "use strict";
  function setup(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll("input[data-row]"));
    var pageBox = form.querySelector("input[data-select-page]");
    var matching = form.querySelector("input[data-select-matching]");
    var out = form.querySelector("output[data-selected]");
    function update() {
      var chosen = rows.filter(function (r) { return r.checked; }).length;
      if (pageBox) {
        pageBox.checked = rows.length > 0 && chosen === rows.length;
        pageBox.indeterminate = chosen > 0 && chosen < rows.length;
      }
      if (!out) { return; }
      if (matching && matching.checked) {
        out.textContent = out.dataset.textAll.replace("{n}", matching.dataset.total);
      } else {
        out.textContent = out.dataset.textSome.replace("{n}", String(chosen));
      }
    }
    rows.forEach(function (r) {
      r.addEventListener("change", function () {
        if (matching && !r.checked) { matching.checked = false; }
        update();
      });
    });
    if (pageBox) {
      pageBox.addEventListener("change", function () {
        rows.forEach(function (r) { r.checked = pageBox.checked; });
        if (matching && !pageBox.checked) { matching.checked = false; }
        update();
      });
    }
    if (matching) {
      matching.addEventListener("change", function () {
        if (matching.checked) { rows.forEach(function (r) { r.checked = true; }); }
        update();
      });
    }
    update();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-select-form]"), setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
