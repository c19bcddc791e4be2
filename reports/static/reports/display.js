// LED display board: renders the public summary, follows /ws/display/ when the
// socket is there and polls the JSON feed in any case (the page works by polling alone).
// Nothing may be cut off on the wall: after each render, text wider than its box is shrunk
// (.fit) and list items that would not show whole are left out (.fit-list, oldest last).
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var POLL_MS = 15000, POLL_WITH_SOCKET_MS = 60000, RECENT_MAX = 15;
  var socketOpen = false, pollTimer = null, fetchTimer = null, snapshot = null, liveNumbers = {};
  var charts = {};

  function $(id) { return document.getElementById(id); }
  function text(el, value) { if (el) el.textContent = value; }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function node(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined) el.textContent = value;
    return el;
  }
  function fill(el, nodes) { el.textContent = ""; nodes.forEach(function (n) { el.appendChild(n); }); }
  function unit() { return parseFloat(getComputedStyle(stage).getPropertyValue("--u")) || 10; }

  function fitStage() {
    var w = parseInt(stage.dataset.width, 10) || 0, h = parseInt(stage.dataset.height, 10) || 0;
    if (w && h) { stage.style.width = w + "px"; stage.style.height = h + "px"; }
    var height = h || window.innerHeight, width = w || window.innerWidth;
    var layout = stage.dataset.layout;
    var rotate = layout === "rotate" || (layout === "auto" && (width < 1280 || height < 600 || width < height));
    // The grid is drawn for 16:9; a narrower wall scales it by its width instead of its height.
    var u = rotate ? Math.min(height / 100, width / 60) : Math.min(height / 100, width / 177.8);
    stage.style.setProperty("--u", u + "px");
    stage.classList.toggle("rotating", rotate);
    stage.classList.toggle("portrait", width < height);
    if (snapshot) render(snapshot);
  }

  // --- keeping everything inside its box ---
  function visible(el) { return el.offsetParent !== null && el.clientWidth > 0; }

  function fitText(el, floor) {
    el.style.fontSize = "";
    if (!visible(el)) return;
    var base = parseFloat(getComputedStyle(el).fontSize), least = Math.max(6, base * (floor || 0));
    for (var i = 0; i < 8 && el.scrollWidth > el.clientWidth; i++) {
      var size = parseFloat(getComputedStyle(el).fontSize);
      el.style.fontSize = Math.max(least, Math.floor(size * el.clientWidth / el.scrollWidth * 0.97 * 10) / 10) + "px";
      if (parseFloat(el.style.fontSize) <= least) break;
    }
  }

  // A unit's name: one line if it fits at three quarters of the size, else two lines.
  function fitName(el) {
    el.classList.remove("wrap");
    fitText(el, 0.75);
    if (el.scrollWidth > el.clientWidth) el.classList.add("wrap");
  }

  function contentBottom(panel) {
    var bottom = 0;
    Array.prototype.forEach.call(panel.children, function (child) {
      if (!child.hidden) bottom = Math.max(bottom, child.getBoundingClientRect().bottom);
    });
    return bottom;
  }

  function fitPanel(panel) {
    if (!visible(panel)) return;
    var list = panel.querySelector(".fit-list");
    if (!list) return;
    var box = panel.getBoundingClientRect(), pad = parseFloat(getComputedStyle(panel).paddingBottom);
    var limit = box.bottom - pad + 0.5;
    while (list.children.length > 1 && contentBottom(panel) > limit) list.removeChild(list.lastElementChild);
  }

  function fitAll() {
    stage.querySelectorAll(".panel").forEach(function (panel) {
      panel.querySelectorAll(".fit").forEach(function (el) { fitText(el); });
      panel.querySelectorAll(".unit").forEach(fitName);
      fitPanel(panel);
    });
    stage.querySelectorAll(".bar .fit").forEach(function (el) { fitText(el); });
    Object.keys(charts).forEach(function (id) {
      var el = $(id);
      if (visible(el)) charts[id].resize();
    });
  }

  // --- charts (echarts, served from static/vendor) ---
  function chart(id, option) {
    var el = $(id);
    if (!el || !window.echarts) return;
    if (!charts[id]) charts[id] = echarts.init(el, null, { renderer: "canvas" });
    charts[id].setOption(option, true);
  }

  function drawCharts(s) {
    var u = unit(), rotating = stage.classList.contains("rotating"), size = rotating ? 4.5 * u : 2.2 * u;
    var axis = { color: "#bdbdbd", fontSize: size };
    var trend = s.trend || [];
    chart("chart-trend", {
      animation: false, textStyle: { fontSize: size },
      legend: { top: 0, right: 0, textStyle: { color: "#e0e0e0", fontSize: size }, itemWidth: size * 1.5, itemHeight: size * .7 },
      grid: { left: 0, right: size * .8, top: size * 3.4, bottom: 0, containLabel: true },
      xAxis: { type: "category", data: trend.map(function (d) { return d.day; }), axisLabel: axis,
        axisLine: { lineStyle: { color: "#555" } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: axis, splitLine: { lineStyle: { color: "#333" } } },
      series: [
        { name: "受理", type: "line", data: trend.map(function (d) { return d.received; }), color: "#4fc3f7",
          symbolSize: size * .5, lineStyle: { width: u * .4 }, label: { show: true, color: "#fff", fontSize: size * .9 } },
        { name: "办结", type: "line", data: trend.map(function (d) { return d.closed; }), color: "#69f0ae",
          symbolSize: size * .5, lineStyle: { width: u * .4 } }
      ]
    });
    var cats = (s.categories || []).slice().reverse();
    chart("chart-categories", {
      animation: false, textStyle: { fontSize: size },
      grid: { left: 0, right: size * 2.5, top: 0, bottom: 0, containLabel: true },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", data: cats.map(function (c) { return c.name; }), axisLabel: axis,
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#555" } } },
      series: [{ type: "bar", data: cats.map(function (c) { return c.value; }), color: "#ffb74d", barMaxWidth: size * 1.4,
        label: { show: true, position: "right", color: "#fff", fontSize: size } }]
    });
    // Channel mix of the month (pie) and the ranked units' scores (bars), both from the snapshot.
    var mix = (s.month && s.month.by_channel || []).filter(function (c) { return c.count; });
    chart("chart-channels", {
      animation: false, textStyle: { fontSize: size },
      color: ["#4fc3f7", "#69f0ae", "#ffb74d", "#ff8a80", "#ce93d8", "#fff176", "#90a4ae", "#a1887f"],
      series: [{ type: "pie", radius: ["35%", "70%"], center: ["50%", "52%"],
        data: mix.map(function (c) { return { name: c.channel, value: c.count }; }),
        label: { color: "#e0e0e0", fontSize: size * .9, overflow: "none",
          formatter: function (p) { return p.name + " " + Math.round(p.percent) + "%"; } },
        labelLine: { length: size * .5, length2: size * .5 } }]
    });
    var ranked = (s.ranking || []).filter(function (r) { return r.score !== null; }).slice(0, 8).reverse();
    chart("chart-units", {
      animation: false, textStyle: { fontSize: size },
      grid: { left: 0, right: size * 3, top: size * .3, bottom: 0, containLabel: true },
      xAxis: { type: "value", show: false, max: 100 },
      yAxis: { type: "category", data: ranked.map(function (r) { return r.unit; }), axisLabel: axis,
        axisTick: { show: false }, axisLine: { lineStyle: { color: "#555" } } },
      series: [{ type: "bar", data: ranked.map(function (r) { return r.score; }), color: "#69f0ae",
        barMaxWidth: size * 1.2, label: { show: true, position: "right", color: "#fff", fontSize: size * .9 } }]
    });
  }

  // --- rendering ---
  function recentItem(c) {
    var item = node("li", liveNumbers[c.number] ? "live" : "");
    var meta = node("div", "meta fit");
    meta.appendChild(node("span", "t", c.time));
    meta.appendChild(node("span", "a", c.area || c.category || ""));
    meta.appendChild(node("span", "s", c.state));
    item.appendChild(meta);
    item.appendChild(node("span", "x", c.summary));
    return item;
  }

  function render(s) {
    if (!s) return;
    snapshot = s;
    text($("title"), s.title);
    text($("asof"), s.data_as_of ? "数据截至 " + s.data_as_of.slice(11, 16) : "");
    text($("today-received"), s.today.received);
    text($("month-received"), s.month.received);
    text($("month-label"), s.month.label + "受理");
    fill($("today-channels"), s.today.by_channel.filter(function (c) { return c.count; })
      .map(function (c) { return node("li", "", c.channel + " " + c.count); }));
    fill($("month-channels"), s.month.by_channel.filter(function (c) { return c.count; })
      .map(function (c) { return node("li", "", c.channel + " " + c.count); }));
    text($("closure"), pct(s.month.closure_rate));
    text($("ontime"), pct(s.month.on_time_rate));
    text($("satisfaction"), pct(s.month.satisfaction_rate));
    text($("red"), s.cards.red); text($("yellow"), s.cards.yellow);
    var arrows = { up: " ↑", "new": " 新", down: " ↓", flat: "" };
    fill($("topics"), s.hot_topics.map(function (h) {
      var item = node("li", (h.trend || "") + " fit");
      item.appendChild(node("span", "", h.term));
      item.appendChild(node("span", "n", h.count + "件" + (arrows[h.trend] || "")));
      return item;
    }));
    $("topics-empty").hidden = s.hot_topics.length > 0;
    text($("ranking-title"), "承办单位排名（" + (s.ranking_label || "近30日") + "）");
    fill($("ranking"), s.ranking.map(function (r) {
      var tr = node("tr");
      [r.rank, r.unit, r.dispatched, pct(r.closure_rate), r.score === null ? "—" : r.score.toFixed(1)]
        .forEach(function (v, i) { tr.appendChild(node("td", i === 1 ? "unit" : "fit", v)); });
      return tr;
    }));
    var short = s.ranking_short_sample || 0;
    text($("ranking-note"), (s.ranking.length ? "" : "暂无可排名的单位。") +
      (short ? "另有" + short + "个单位应办结不足" + (s.ranking_min_due || 5) + "件，样本不足，不参与排名" : ""));
    fill($("recent"), s.recent.map(recentItem));
    drawCharts(s);
    fitAll();
  }

  // A case registered a moment ago goes on top at once; the next snapshot brings the figures.
  function arrive(event) {
    if (!snapshot || !event || !event.number) return;
    var known = snapshot.recent.filter(function (c) { return c.number === event.number; })[0];
    if (known) { known.state = event.state_label || known.state; render(snapshot); return; }
    if (event.kind !== "register") return;
    var t = new Date(event.created_at);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    liveNumbers[event.number] = true;
    setTimeout(function () { delete liveNumbers[event.number]; }, 6000);
    snapshot.recent.unshift({
      number: event.number, time: two(t.getMonth() + 1) + "-" + two(t.getDate()) + " " + two(t.getHours()) + ":" + two(t.getMinutes()),
      area: event.area, category: event.category, type: event.ticket_type_label, channel: event.channel_label,
      state: event.state_label, summary: event.summary
    });
    snapshot.recent = snapshot.recent.slice(0, RECENT_MAX);
    render(snapshot);
  }

  function fetchSnapshot() {
    return fetch(stage.dataset.feed, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { window.location.href = "/display/pair/"; return null; }
        return r.ok ? r.json() : null;
      })
      .then(render)
      .catch(function () { /* keep showing the last figures; try again next round */ });
  }

  function fetchSoon() {  // a burst of events costs one fetch
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(fetchSnapshot, 2000);
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () { fetchSnapshot().then(schedulePoll); },
      socketOpen ? POLL_WITH_SOCKET_MS : POLL_MS);
  }

  function connect(delay) {
    if (!("WebSocket" in window)) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + stage.dataset.socket;
    var ws;
    try { ws = new WebSocket(url); } catch (e) { return; }
    ws.onopen = function () { socketOpen = true; delay = 1000; fetchSnapshot(); };
    ws.onmessage = function (msg) {
      var data = null;
      try { data = JSON.parse(msg.data); } catch (e) { /* not JSON: treat as a nudge */ }
      // Snapshots: {"type": "display-update", "data": {"kind", "snapshot"}};
      // ticket events: {"type": "ticket-event", "event": {...}} (public fields only).
      var snap = data && data.data && data.data.snapshot;
      if (snap && snap.today) { render(snap); return; }
      if (data && data.type === "ticket-event") arrive(data.event);
      fetchSoon();
    };
    ws.onclose = function () {
      socketOpen = false;
      var next = Math.min((delay || 1000) * 2, 60000);
      setTimeout(function () { connect(next); }, next);
    };
  }

  var panelIndex = 0;
  function rotatePanels() {
    var panels = stage.querySelectorAll(".panel");
    panels.forEach(function (p, i) { p.classList.toggle("active", i === panelIndex); });
    panelIndex = (panelIndex + 1) % panels.length;
    if (stage.classList.contains("rotating") && snapshot) render(snapshot);  // lay out the panel now shown
  }

  function tick() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    text($("clock"), now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 " +
      two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds()));
  }

  window.displayBoard = { render: render, arrive: arrive, fit: fitAll,
    show: function (name) {  // tests and installers: show one panel of a rotating wall
      stage.querySelectorAll(".panel").forEach(function (p) { p.classList.toggle("active", p.dataset.panel === name); });
      if (snapshot) render(snapshot);
    } };
  tick();
  var initial = document.getElementById("initial-snapshot");
  if (initial) snapshot = JSON.parse(initial.textContent);
  rotatePanels();
  fitStage();
  window.addEventListener("resize", fitStage);
  // The first layout may use a fallback font; measure again once the wall's fonts are in.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { if (snapshot) render(snapshot); });
  setInterval(rotatePanels, (parseInt(stage.dataset.rotate, 10) || 10) * 1000);
  setInterval(function () { tick(); }, 1000);
  schedulePoll();
  connect(1000);
})();
