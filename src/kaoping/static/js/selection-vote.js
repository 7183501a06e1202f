// 评选投票: approval counts the ticks and refuses more than N before anything is sent; graded
// refuses to send while a candidate has no grade (不了解 counts as a choice). The server refuses too.
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  if (!form) return;
  var over = document.getElementById("over");
  var count = document.getElementById("count");
  var send = document.getElementById("send");
  function show(message) {
    over.textContent = message;
    over.classList.remove("hidden");
    over.setAttribute("tabindex", "-1");
    over.focus();
  }
  if (form.getAttribute("data-method") === "graded") {
    var sets = Array.prototype.slice.call(form.querySelectorAll("fieldset.graded"));
    var prompt = over.getAttribute("data-prompt");
    var missing = function () {
      return sets.filter(function (set) { return !set.querySelector("input:checked"); });
    };
    var updateGraded = function () {
      var left = missing();
      count.textContent = "已评 " + (sets.length - left.length) + " 人,共 " + sets.length + " 人";
      sets.forEach(function (set) { if (set.querySelector("input:checked")) set.classList.remove("missing"); });
      if (!left.length) over.classList.add("hidden");
    };
    form.addEventListener("change", updateGraded);
    form.addEventListener("submit", function (event) {
      var left = missing();
      if (left.length) {
        event.preventDefault();
        left.forEach(function (set) { set.classList.add("missing"); });
        show(prompt + left.map(function (set) { return set.getAttribute("data-name"); }).join("、"));
      }
    });
    over.classList.add("hidden");
    updateGraded();
    return;
  }
  var quota = parseInt(form.getAttribute("data-quota"), 10);
  function picked() { return form.querySelectorAll('input[name="chosen"]:checked').length; }
  function update() {
    var n = picked();
    count.textContent = "已选 " + n + " 人,最多 " + quota + " 人";
    var tooMany = n > quota;
    over.classList.toggle("hidden", !tooMany);
    send.setAttribute("aria-disabled", tooMany ? "true" : "false");
  }
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    if (picked() > quota) {
      event.preventDefault();
      show(over.textContent);
    }
  });
  update();
})();
