// Confirmation dialogs before an irreversible step: a unit submitting its self-assessment, locking,
// ending a rating session, destroying slips, publishing results, revoking a role. No inline script
// (CSP); every text is in the page, rendered through gettext (templates/_confirm_dialog.html).
//
// A form with data-confirm="<dialog id>" opens that native <dialog> (modal: the rest of the page is
// inert) instead of posting. The focus goes to 取消, the safe choice; Tab moves between the two
// buttons; Escape or 取消 closes it and puts the focus back on the button that opened it; 确认 posts
// the form with the same submit button. data-confirm-detail, if any, names exactly what is affected.
// Without JavaScript (or a browser without <dialog>) the form simply posts, and the server's own
// checks guard the step, as they always do.
(function () {
  "use strict";
  if (window.kaopingConfirm) { return; }
  window.kaopingConfirm = true;
  var pending = null; // {form, submitter, opener, dialog}

  function focusBack(p) {
    var target = p && (p.opener || p.submitter);
    if (target && typeof target.focus === "function" && document.contains(target)) { target.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) { return; }
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    var dialog = document.getElementById(form.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") { return; } // plain post, guarded by the server
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    pending = { form: form, submitter: submitter, opener: submitter || document.activeElement, dialog: dialog };
    var slot = dialog.querySelector("[data-confirm-detail]");
    if (slot) {
      slot.textContent = form.dataset.confirmDetail || "";
      slot.hidden = !form.dataset.confirmDetail;
    }
    var ok = dialog.querySelector("[data-confirm-ok]");
    if (ok) { ok.disabled = false; }
    dialog.returnValue = "";
    dialog.showModal();
    var cancel = dialog.querySelector("[data-confirm-cancel]");
    if (cancel) { cancel.focus(); }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-confirm-ok], [data-confirm-cancel]") : null;
    if (!button) { return; }
    var dialog = button.closest("dialog");
    if (!dialog) { return; }
    if (!pending || pending.dialog !== dialog || !button.hasAttribute("data-confirm-ok")) {
      dialog.close("cancel");
      return;
    }
    var p = pending;
    pending = null;
    button.disabled = true; // one post, however often it is pressed
    dialog.close("confirm");
    p.form.dataset.confirmed = "1";
    if (typeof p.form.requestSubmit === "function") {
      p.form.requestSubmit(p.submitter && p.submitter.form === p.form ? p.submitter : undefined);
    } else {
      p.form.submit();
    }
  });

  // Escape (the dialog's own cancel), 取消, or any other close: nothing is posted, the focus returns.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || !dialog.classList.contains("confirm-dialog")) { return; }
    if (dialog.returnValue === "confirm") { return; }
    var p = pending;
    pending = null;
    focusBack(p);
  }, true);
})();
