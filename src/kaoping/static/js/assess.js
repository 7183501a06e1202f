// Autosave on the assessment pages (self-assessment, department scoring, review). No inline script
// (CSP): the Chinese messages come from the page's gettext as data-* attributes of this <script>.
//
// Nothing typed is lost when a save fails. Every edit is kept in localStorage (key: user + the form's
// save URL; value: the data version the page had + the fields) until the server answers 2xx. A failed
// save (503 busy / disk full, other 5xx, timeout, no network) says what happened and is retried with
// backoff and on the `online` event; after a reload the kept values are put back and saved. A 409
// (someone else saved first, or the phase closed) is explained by the server and never retried.
(function () {
  "use strict";
  var script = document.currentScript;
  var msg = (script && script.dataset) || {};
  var BACKOFF_MS = [2000, 4000, 8000, 15000, 30000];
  // Longer than gunicorn's 30 s worker timeout: a request we give up on can no longer commit.
  if (window.htmx) { window.htmx.config.timeout = 40000; }
  var state = new Map(); // save URL → {form, attempt, timer, sent}

  function autosaveForm(elt) {
    var form = elt && elt.closest ? elt.closest("form[hx-post]") : null;
    return form && form.querySelector(".save-status") ? form : null;
  }
  function url(form) { return new URL(form.getAttribute("hx-post"), location.href).pathname; }
  function info(form) {
    var s = state.get(url(form));
    if (!s) { s = { attempt: 0, timer: null, sent: null, inflight: false }; state.set(url(form), s); }
    s.form = form;
    return s;
  }
  function key(form) { return "kaoping.draft:" + (msg.user || "") + ":" + url(form); }
  function version(form) { return form.elements.namedItem("version"); }
  function typed(elt) { return elt.name && ["hidden", "submit", "button", "file"].indexOf(elt.type) < 0; }
  function fields(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (elt) {
      if (typed(elt)) { out[elt.name] = elt.type === "checkbox" ? elt.checked : elt.value; }
    });
    return out;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function keep(form) {
    try { localStorage.setItem(key(form), JSON.stringify({ v: version(form).value, f: fields(form) })); } catch (e) { /* full or private: the page still holds it */ }
  }
  function kept(form) { try { return JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (e) { return null; } }
  function forget(form) { try { localStorage.removeItem(key(form)); } catch (e) { /* nothing kept */ } }

  function show(form, text, failed) {
    var status = form.querySelector(".save-status");
    status.textContent = text;
    status.classList.toggle("save-error", !!failed);
  }
  function note(form, text) {
    var el = form.querySelector(".draft-note");
    if (!text) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.createElement("span");
      el.className = "draft-note";
      el.setAttribute("role", "status");
      form.querySelector(".save-status").after(el);
    }
    el.textContent = text;
  }

  function send(form) { // one request at a time, and only while something is still unsaved
    if (!info(form).inflight && kept(form)) { window.htmx.trigger(form, "change"); }
  }
  function retry(form, delayMs) {
    var s = info(form);
    clearTimeout(s.timer);
    s.timer = null;
    if (!navigator.onLine) { return; } // the `online` event sends it
    s.timer = setTimeout(function () { s.timer = null; send(s.form); }, delayMs);
  }
  function failed(form, text, retryAfterS) {
    var s = info(form);
    keep(form);
    show(form, text, true);
    var delay = BACKOFF_MS[Math.min(s.attempt, BACKOFF_MS.length - 1)];
    s.attempt += 1;
    retry(form, Math.max(delay, Math.min(retryAfterS || 0, 60) * 1000));
  }
  function saved(form) {
    var s = info(form);
    s.attempt = 0;
    clearTimeout(s.timer);
    s.timer = null;
    note(form, "");
    if (same(s.sent, fields(form))) { forget(form); } else { keep(form); } // typed on while saving
  }
  function serverText(xhr) {
    var reason = "";
    try { reason = JSON.parse(xhr.responseText).reason || ""; } catch (e) { /* not our JSON */ }
    return { busy: msg.busy, disk_full: msg.diskFull, unavailable: msg.unavailable }[reason] || msg.server;
  }
  function redirected(form, xhr) { // a 302 to the login page arrives as a 200 with the wrong page
    return xhr.responseURL && new URL(xhr.responseURL).pathname !== url(form);
  }

  document.body.addEventListener("input", function (event) {
    var form = autosaveForm(event.target);
    if (form) { keep(form); }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (!form) { return; }
    info(form).sent = fields(form);
    info(form).inflight = true;
    keep(form);
    show(form, msg.saving, false);
  });
  // htmx swaps no 4xx by default; our 400/409/422 answers carry the Chinese reason, so show them.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var form = autosaveForm(event.detail.elt);
    if (form && xhr.status < 300 && redirected(form, xhr)) {
      event.detail.shouldSwap = false;
    } else if (xhr.status === 409 || xhr.status === 422 || xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = autosaveForm(event.detail.elt);
    var xhr = event.detail.xhr;
    if (form) { info(form).inflight = false; }
    if (!form || !xhr || xhr.status === 0) { return; } // no answer: htmx:sendError / htmx:timeout
    var status = xhr.status;
    if (status < 300 && redirected(form, xhr)) {
      failed(form, msg.login, 30);
    } else if (status < 300) {
      saved(form);
    } else if (status === 409) { // explained by the server (conflict or closed); retrying cannot help
      info(form).attempt = 0;
      note(form, "");
      forget(form);
    } else if (status === 400 || status === 422) { // explained; kept until the user corrects it
      info(form).attempt = 0;
    } else if (status === 403 || status === 404) {
      keep(form);
      show(form, msg.expired, true);
    } else {
      failed(form, serverText(xhr), parseInt(xhr.getResponseHeader("Retry-After") || "0", 10));
    }
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (form) { failed(form, navigator.onLine ? msg.unreachable : msg.offline); }
  });
  document.body.addEventListener("htmx:timeout", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (form) { failed(form, msg.timeout); }
  });
  window.addEventListener("offline", function () {
    state.forEach(function (s) { if (kept(s.form)) { show(s.form, msg.offline, true); } });
  });
  window.addEventListener("online", function () {
    state.forEach(function (s) { if (kept(s.form)) { retry(s.form, 0); } });
  });

  // After a reload: put back what was typed but never saved, say so, and save it. The kept version
  // goes back too, so the server still refuses to overwrite someone else's newer save (409).
  function restore(form) {
    var draft = kept(form);
    if (!draft || !draft.f) { return; }
    if (same(draft.f, fields(form))) { forget(form); return; } // it did land
    var editable = Object.keys(draft.f).every(function (name) {
      var elt = form.elements.namedItem(name);
      return elt && !elt.readOnly && !elt.disabled;
    });
    if (!editable) { return; } // closed for now: keep it, touch nothing
    Object.keys(draft.f).forEach(function (name) {
      var elt = form.elements.namedItem(name);
      if (elt.type === "checkbox") { elt.checked = !!draft.f[name]; } else { elt.value = draft.f[name]; }
    });
    version(form).value = draft.v;
    note(form, msg.restored);
    info(form);
    retry(form, 0);
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[hx-post]"), function (form) {
      if (autosaveForm(form) && version(form)) { restore(form); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
