/* The room board (大屏): polls a small JSON every second. Counts only until a unit closes;
 * then the engine's score and explanation. Text is set with textContent (never HTML). */
(function () {
  "use strict";
  var root = document.getElementById("board");
  var url = root.getAttribute("data-url");
  var head = document.getElementById("board-head");
  var body = document.getElementById("board-body");
  var results = document.getElementById("board-results");
  var statusLine = document.getElementById("board-status");
  var chain = document.getElementById("board-chain");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function draw(data) {
    statusLine.textContent = data.session.mode_label + " · " + data.session.status_label;
    var hr = el("tr");
    ["#", "单位", "状态"].forEach(function (t) { hr.appendChild(el("th", t)); });
    data.groups.forEach(function (g) { hr.appendChild(el("th", g.name, "num")); });
    hr.appendChild(el("th", "合计", "num"));
    hr.appendChild(el("th", "得分", "num"));
    head.replaceChildren(hr);
    var rows = [], cards = [];
    data.units.forEach(function (u) {
      var tr = el("tr", null, "st-" + u.status);
      tr.appendChild(el("td", u.position));
      tr.appendChild(el("td", u.name));
      tr.appendChild(el("td", u.status_label));
      u.counts.forEach(function (c) { tr.appendChild(el("td", c.received + " / " + c.due, "num")); });
      tr.appendChild(el("td", u.received, "num"));
      var score = u.result ? (u.result.score === null ? "缺失" : u.result.score) : "";
      tr.appendChild(el("td", score, "num board-score"));
      rows.push(tr);
      if (u.result) {
        var card = el("article", null, "board-result");
        card.appendChild(el("h3", u.position + ". " + u.name + " " + score + (u.result.provisional ? "(暂定)" : "")));
        card.appendChild(el("p", u.result.explanation, "explain"));
        u.result.flags.forEach(function (f) { card.appendChild(el("p", f, "flag")); });
        cards.push(card);
      }
    });
    body.replaceChildren.apply(body, rows);
    results.replaceChildren.apply(results, cards.reverse());
    chain.textContent = data.session.chain_head ? "测评已结束 · 审计链头 " + data.session.chain_head : "";
  }

  function tick() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(draw, function () { statusLine.textContent = "连接中断,正在重试…"; })
      .then(function () { setTimeout(tick, 1000); });
  }
  tick();
})();
