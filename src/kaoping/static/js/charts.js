/* Charts of the results pages and the rating board (ECharts, vendored from npm).
 * Each `[data-chart="id"]` element is drawn from the JSON of `<script id="id" type="application/json">`
 * (Django's json_script): {kind: "bar"|"line", horizontal, title, labels, axis, series: [{name, values}]}.
 * Numbers arrive as exact decimal strings (null = missing, drawn as a gap, never 0); they are parsed
 * only to draw — the table beside each chart shows them as the engine writes them.
 * The SVG renderer and a rich-text tooltip: no HTML with style attributes, so the CSP holds. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var COLORS = ["#1f6feb", "#d97706", "#16a34a", "#9333ea", "#dc2626"];

  function numbers(values) {
    return values.map(function (v) { return v === null ? null : parseFloat(v); });
  }

  function option(d, narrow) {
    var horizontal = !!d.horizontal;
    var category = {
      type: "category", data: d.labels,
      axisLabel: { interval: 0, rotate: (!horizontal && narrow && d.labels.length > 4) ? 45 : 0, fontSize: narrow ? 10 : 12 }
    };
    var value = { type: "value", name: d.axis || "", minInterval: d.integer ? 1 : 0 };
    if (horizontal) { value.nameLocation = "middle"; value.nameGap = 24; }
    return {
      animation: false,
      color: COLORS,
      aria: { enabled: false },
      grid: { left: 8, right: 16, top: d.series.length > 1 ? 36 : 24, bottom: horizontal ? 32 : 8, containLabel: true },
      legend: d.series.length > 1 ? { top: 0, data: d.series.map(function (s) { return s.name; }) } : { show: false },
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: d.series.map(function (s) {
        return {
          name: s.name, type: d.kind === "line" ? "line" : "bar", data: numbers(s.values),
          connectNulls: false, barMaxWidth: 40,
          label: { show: d.series.length === 1 && d.labels.length <= 12, position: horizontal ? "right" : "top", fontSize: 11 }
        };
      })
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(data, el.clientWidth < 480), true);
  }

  function drawAll(root) {
    if (root.matches && root.matches("[data-chart]")) { draw(root); }
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  function resizeAll() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  }

  // htmx swaps a polled fragment (the board): let go of the old charts, draw the new ones.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (!target) { return; }
    target.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.dispose(); }
    });
  });
  document.addEventListener("htmx:load", function (e) { drawAll(e.detail.elt); });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  drawAll(document);
})();
