// The reports' area map: the county's towns (GeoJSON made for the demo, a static file) drawn by
// the vendored echarts, coloured by the period's ticket count, towns with red lights outlined in
// red. Clicking a town opens its ticket list (the same links as the table under the map, which
// carries every figure, so the page is complete without JavaScript). Tooltips are drawn on the
// canvas (renderMode richText): echarts' HTML tooltips carry style="…" that the CSP refuses.
(function () {
  "use strict";
  var node = document.getElementById("area-map");
  var source = document.getElementById("area-map-data");
  if (!node || !source || !window.echarts) { return; }
  var config = JSON.parse(source.textContent);

  function drillUrl(name, light) {
    return config.drill + "?area=" + encodeURIComponent(name) + "&start=" + config.start + "&end=" + config.end +
      (light ? "&light=" + light : "");
  }

  function draw(geojson) {
    echarts.registerMap("county", geojson);
    var chart = echarts.init(node);
    var data = config.areas.map(function (a) {
      return {
        name: a.name, value: a.total, red: a.red, open: a.open, yellow: a.yellow,
        itemStyle: a.red ? { borderColor: "#d40000", borderWidth: 3 } : { borderColor: "#5b7fa6", borderWidth: 1 }
      };
    });
    chart.setOption({
      tooltip: {
        trigger: "item", renderMode: "richText",
        formatter: function (p) {
          var d = p.data || {};
          return p.name + "\n受理 " + (d.value || 0) + " 件 · 在办 " + (d.open || 0) + " · 红灯 " + (d.red || 0) +
            " · 黄灯 " + (d.yellow || 0) + "\n点击查看工单";
        }
      },
      visualMap: {
        min: 0, max: Math.max(config.max, 1), left: 10, bottom: 10, text: ["多", "少"], calculable: false,
        inRange: { color: ["#e8f1fb", "#2f6fb0"] }
      },
      series: [{
        type: "map", map: "county", roam: false, selectedMode: false, data: data,
        label: {
          show: true,
          formatter: function (p) {
            var d = p.data || {};
            return p.name + "\n" + (d.value || 0) + "件" + (d.red ? "\n红灯" + d.red : "");
          }
        },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd666" } }
      }]
    });
    chart.on("click", function (p) {
      if (p.name) { window.location.href = drillUrl(p.name); }
    });
    node.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  fetch(config.geojson, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("county map " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function () { node.textContent = "地图加载失败，请查看下方表格。"; });
})();
