// LED display board: renders the public summary, follows /ws/display/ when the
// socket is there and polls the JSON feed in any case (the page works by polling alone).
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var POLL_MS = 15000, POLL_WITH_SOCKET_MS = 60000;
  var socketOpen = false, pollTimer = null;

  function $(id) { return document.getElementById(id); }
  function text(el, value) { if (el) el.textContent = value; }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function li(cls, parts) {
    var item = document.createElement("li");
    if (cls) item.className = cls;
    parts.forEach(function (p) {
      var span = document.createElement("span");
      span.className = p[0]; span.textContent = p[1]; item.appendChild(span);
    });
    return item;
  }
  function fill(el, nodes) { el.textContent = ""; nodes.forEach(function (n) { el.appendChild(n); }); }

  function fitStage() {
    var w = parseInt(stage.dataset.width, 10) || 0, h = parseInt(stage.dataset.height, 10) || 0;
    if (w && h) { stage.style.width = w + "px"; stage.style.height = h + "px"; }
    var height = h || window.innerHeight, width = w || window.innerWidth;
    stage.style.setProperty("--u", (height / 100) + "px");
    var layout = stage.dataset.layout;
    var rotate = layout === "rotate" || (layout === "auto" && (width < 1280 || height < 600));
    stage.classList.toggle("rotating", rotate);
  }

  function render(s) {
    if (!s) return;
    text($("title"), s.title);
    text($("asof"), s.data_as_of ? "数据截至 " + s.data_as_of.slice(11, 16) : "");
    text($("today-received"), s.today.received);
    text($("month-received"), s.month.received);
    text($("month-label"), s.month.label + "受理");
    fill($("today-channels"), s.today.by_channel.filter(function (c) { return c.count; })
      .map(function (c) { return li("", [["", c.channel + " " + c.count]]); }));
    fill($("month-channels"), s.month.by_channel.filter(function (c) { return c.count; })
      .map(function (c) { return li("", [["", c.channel + " " + c.count]]); }));
    text($("closure"), pct(s.month.closure_rate));
    text($("ontime"), pct(s.month.on_time_rate));
    text($("satisfaction"), pct(s.month.satisfaction_rate));
    text($("red"), s.cards.red); text($("yellow"), s.cards.yellow);
    var arrows = { up: "↑", "new": "新", down: "↓", flat: "" };
    fill($("topics"), s.hot_topics.map(function (h) {
      return li(h.trend, [["", h.term], ["n", h.count + "件 " + (arrows[h.trend] || "")]]);
    }));
    var rows = $("ranking"); rows.textContent = "";
    s.ranking.forEach(function (r) {
      var tr = document.createElement("tr");
      [r.rank, r.unit, r.dispatched, pct(r.closure_rate), r.score === null ? "—" : r.score.toFixed(1)]
        .forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
      rows.appendChild(tr);
    });
    fill($("recent"), s.recent.map(function (c) {
      return li("", [["t", c.time], ["a", c.area || c.category], ["x", c.summary], ["s", c.state]]);
    }));
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
      // The display consumer sends {"type": "display-update", "data": {"kind", "snapshot"}}.
      var snap = data && data.data && data.data.snapshot;
      if (snap && snap.today) render(snap); else fetchSnapshot();
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
  }

  function rollRecent() {
    var list = $("recent");
    if (list && list.children.length > 1 && !stage.classList.contains("rotating")) list.appendChild(list.firstElementChild);
  }

  function tick() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    text($("clock"), now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 " +
      two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds()));
  }

  fitStage();
  window.addEventListener("resize", fitStage);
  var initial = document.getElementById("initial-snapshot");
  if (initial) render(JSON.parse(initial.textContent));
  rotatePanels();
  setInterval(rotatePanels, (parseInt(stage.dataset.rotate, 10) || 10) * 1000);
  setInterval(rollRecent, 4000);
  tick(); setInterval(tick, 1000);
  schedulePoll();
  connect(1000);
})();
