// 评选投票: counts the ticks and refuses more than N before anything is sent (the server refuses too).
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  if (!form) return;
  var quota = parseInt(form.getAttribute("data-quota"), 10);
  var over = document.getElementById("over");
  var count = document.getElementById("count");
  var send = document.getElementById("send");
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
      over.classList.remove("hidden");
      over.focus && over.setAttribute("tabindex", "-1");
      over.focus();
    }
  });
  update();
})();
