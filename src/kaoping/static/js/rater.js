/* Kaoping phone ballot page. Plain JS, no libraries; works in WeChat's browser.
 * Every submission carries an idempotency key (UUID4) and a receipt nonce; a draft lives in
 * localStorage and queued submissions are re-sent with the SAME key when the network returns,
 * so retries and double taps never create a second ballot. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("rater-config").textContent);
  // Drafts and receipts belong to one round of the session: clearing test ballots or going live
  // starts a new round, and what the phone kept from the rehearsal is dropped, never resent.
  var storeKey = "kp-rating:" + cfg.session + ":" + cfg.round;
  forgetOtherRounds();
  var state = load();
  var units = {};
  var netMsg = document.getElementById("net");

  function forgetOtherRounds() {
    try {
      var prefix = "kp-rating:" + cfg.session;
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(prefix) === 0 && k !== storeKey) { localStorage.removeItem(k); }
      }
    } catch (e) { /* private mode: nothing kept anyway */ }
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }
  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) { out += (bytes[i] + 256).toString(16).slice(1); }
    return out;
  }
  function random(n) {
    var b = new Uint8Array(n);
    window.crypto.getRandomValues(b);
    return b;
  }
  function uuid4() {
    var b = random(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = hex(b);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function receiptText(r) { return r.match(/.{4}/g).join("-"); }
  function entry(id) { return state[id] || (state[id] = {}); }

  function render(id) {
    var u = units[id], e = entry(id), li = u.el;
    li.setAttribute("data-status", u.status);
    var grades = li.querySelectorAll(".grade");
    for (var i = 0; i < grades.length; i++) {
      var g = grades[i];
      g.classList.toggle("on", g.getAttribute("data-grade") === e.g);
      g.setAttribute("aria-pressed", g.getAttribute("data-grade") === e.g ? "true" : "false"); // announced as chosen
      g.disabled = u.status !== "open";
    }
    var btn = li.querySelector(".submit"), out = li.querySelector(".out"), st = li.querySelector(".state");
    var locked = !cfg.changeable && (e.s === "done" || u.done);
    btn.disabled = u.status !== "open" || e.s === "sending" || e.s === "queued" || locked ||
      (e.s === "done" && e.g === e.sg);
    if (locked) { for (var j = 0; j < grades.length; j++) { grades[j].disabled = true; } }
    st.textContent = u.status === "open" ? "测评中" : u.status === "closed" ? "已关闭" : "未开始";
    if (e.s === "done") {
      out.className = "out ok";
      out.textContent = "已提交,回执码 " + receiptText(e.r) + (e.g !== e.sg ? "(新的选择尚未提交)" : "");
    } else if (e.s === "sending") {
      out.className = "out"; out.textContent = "正在提交…";
    } else if (e.s === "queued") {
      out.className = "out warn";
      out.textContent = e.busy ? "服务器繁忙,选择已保存在手机上,稍后自动提交" : "网络不通,已保存在手机上,恢复后自动提交";
    } else if (e.s === "error") {
      out.className = "out err"; out.textContent = e.m || "提交失败";
    } else if (u.done) {
      out.className = "out ok"; out.textContent = "已提交";
    } else {
      out.className = "out"; out.textContent = e.g ? "已选择“" + e.g + "”,请点提交" : "";
    }
  }

  function send(id) {
    var e = entry(id);
    e.s = "sending";
    save(); render(id);
    fetch(cfg.ballotUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Idempotency-Key": e.k, "X-CSRFToken": cfg.csrf },
      body: JSON.stringify({ unit: Number(id), grade: e.kg, receipt: e.r, round: cfg.round })
    }).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, status: resp.status, data: data }; });
    }).then(function (res) {
      e.busy = false;
      if (res.ok) {
        e.s = "done"; e.sg = e.kg; units[id].done = true;
      } else if (res.status >= 500 || res.status === 429) {
        // The server is busy (a locked or full database answers 503): keep the same key and
        // send again with the next status poll; the key makes the resend harmless.
        e.s = "queued"; e.busy = true;
      } else {
        e.s = "error"; e.m = res.data.error || "提交失败(" + res.status + ")";
        if (res.status === 422 || res.status === 400) { e.k = null; }
      }
      save(); render(id);
    }, function () {
      e.s = "queued"; e.busy = false;
      save(); render(id);
      showNet(true);
    });
  }

  function submit(id) {
    var e = entry(id), u = units[id];
    if (u.status !== "open" || !e.g || e.s === "sending" || e.s === "queued") { return; }
    if (e.s === "done" && e.g === e.sg) { return; }
    if (!e.k || e.kg !== e.g) { e.k = uuid4(); e.r = hex(random(16)); e.kg = e.g; }
    send(id);
  }

  function flush() {
    var any = false;
    Object.keys(state).forEach(function (id) {
      if (units[id] && (state[id].s === "queued" || state[id].s === "sending")) { any = true; send(id); }
    });
    if (!any) { showNet(false); }
  }
  function showNet(on) { netMsg.classList.toggle("hidden", !on); }

  function poll() {
    fetch(cfg.statusUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.round && data.round !== cfg.round) { window.location.reload(); return; }
        showNet(false);
        (data.units || []).forEach(function (s) {
          var u = units[s.id];
          if (u) { u.status = s.status; u.done = u.done || s.done; render(s.id); }
        });
        flush();
      }, function () { showNet(true); });
  }

  var lis = document.querySelectorAll(".unit");
  for (var i = 0; i < lis.length; i++) {
    var li = lis[i], id = li.getAttribute("data-unit");
    units[id] = { el: li, status: li.getAttribute("data-status"), done: li.getAttribute("data-done") === "1" };
    if (state[id] && state[id].s === "sending") { state[id].s = "queued"; }
  }
  document.getElementById("rater").addEventListener("click", function (ev) {
    var t = ev.target, li = t.closest ? t.closest(".unit") : null;
    if (!li) { return; }
    var id = li.getAttribute("data-unit"), e = entry(id);
    if (t.classList.contains("grade") && !t.disabled) {
      e.g = t.getAttribute("data-grade");
      if (e.s === "error") { e.s = ""; }
      save(); render(id);
    } else if (t.classList.contains("submit")) {
      submit(id);
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (ev) {
    var missing = Object.keys(units).some(function (id) {
      var u = units[id], e = entry(id);
      return u.status !== "closed" && !(u.done || e.s === "done");
    });
    if (missing) { ev.preventDefault(); ev.returnValue = "还有单位没有评分,确定离开吗?"; return ev.returnValue; }
  });
  Object.keys(units).forEach(render);
  flush();
  setInterval(poll, 3000);
})();
