// Autosave helpers for the assessment pages (no inline scripts: CSP).
// htmx does not swap 4xx responses by default; our 409/422 answers carry the Chinese message
// (conflict, deadline passed, bad number), so show them where the "已保存" status goes.
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.classList.contains("save-status")) {
      target.textContent = "保存中…";
    }
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (target && target.classList.contains("save-status")) {
      target.textContent = "网络中断,未保存。内容仍在页面上,请稍后再改一次。";
      target.classList.add("save-error");
    }
  });
})();
