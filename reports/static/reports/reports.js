// Charts for the report pages (echarts, served from static/vendor). The tables carry
// the same figures, so the page is complete without JavaScript. Tooltips are drawn on the canvas
// (renderMode richText): echarts' HTML tooltips carry style="…" that the CSP refuses.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var c = echarts.init(node);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  var narrow = window.matchMedia("(max-width: 600px)").matches;
  function pct(v) { return v === null ? null : Math.round(v * 1000) / 10; }
  chart("chart-trend", {
    title: { text: "受理与办结趋势", left: 10, top: 6, textStyle: { fontSize: 14 } },
    // On a phone the legend goes under the title instead of over it.
    tooltip: { trigger: "axis", renderMode: "richText" }, legend: narrow ? { top: 30, left: 10 } : { top: 6, right: 10 },
    grid: { left: 50, right: 50, top: narrow ? 92 : 50, bottom: 30 },
    xAxis: { type: "category", data: data.trend.map(function (r) { return r.label; }) },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100 }],
    series: [
      { name: "受理", type: "bar", data: data.trend.map(function (r) { return r.received; }) },
      { name: "办结", type: "bar", data: data.trend.map(function (r) { return r.closed; }) },
      { name: "办结率", type: "line", yAxisIndex: 1, data: data.trend.map(function (r) { return pct(r.closure_rate); }) },
      { name: "满意率", type: "line", yAxisIndex: 1, data: data.trend.map(function (r) { return pct(r.satisfaction_rate); }) }
    ]
  });
  chart("chart-channel", {
    title: { text: "来源渠道", left: 10, top: 6, textStyle: { fontSize: 14 } }, tooltip: { trigger: "item", renderMode: "richText" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.channel }]
  });
  function bars(id, title, rows) {
    chart(id, {
      title: { text: title, left: 10, top: 6, textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 120, right: 20, top: 40, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
    });
  }
  bars("chart-type", "诉求类型", data.ticket_type);
  bars("chart-cat1", "一级分类", data.cat1);
  // Unit comparison: tickets dispatched and closed per unit (bars) and the score (line, right axis).
  var units = data.units || [];
  chart("chart-units", {
    title: { text: "承办单位对比（交办量前" + units.length + "）", left: 10, top: 6, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", renderMode: "richText" }, legend: narrow ? { top: 30, left: 10 } : { top: 6, right: 10 },
    grid: { left: 50, right: 50, top: narrow ? 92 : 50, bottom: 70 },
    xAxis: { type: "category", data: units.map(function (r) { return r.name; }),
      axisLabel: { interval: 0, rotate: units.length > 6 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "得分", max: 100 }],
    series: [
      { name: "交办", type: "bar", data: units.map(function (r) { return r.dispatched; }) },
      { name: "办结", type: "bar", data: units.map(function (r) { return r.closed; }) },
      { name: "综合得分", type: "line", yAxisIndex: 1, data: units.map(function (r) { return r.score; }) }
    ]
  });
})();
