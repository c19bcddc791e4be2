/*
 * live.js — live push for every logged-in page (loaded by templates/base.html).
 *
 * Connects to /ws/staff/ (the session cookie authenticates; a page may choose another
 * socket with <body data-live-socket="/ws/display/">), reconnects with exponential
 * backoff and asks for what it missed ({"type":"catchup","since":lastEventId}).
 * It re-dispatches what arrives as DOM events on document.body:
 *   ticket-event    detail = {id, ticket_id, number, kind, kind_label, state, state_label, light, ...}
 *   call-popup      detail = {call_id, caller, citizen, history, extension, prefill, ...}
 *   missed-call     detail = {id, call_id, caller, citizen_name, started_at}
 *   display-update  detail = the board data pushed by the reports app
 *   live-resync     detail = {}  more was missed than catch-up resends: reload your lists
 *   live-status     detail = {status: "connecting" | "open" | "closed"}
 * A page that renders <body data-last-event-id="N"> gets exactly the events after N,
 * even those that happened between rendering and connecting. Every event is
 * dispatched once (deduplicated by id). Pages work without this script.
 */
(function () {
  "use strict";
  if (window.hotlineLive || !("WebSocket" in window)) return;

  var path = "/ws/staff/";
  var lastEventId = null;
  var seen = new Set();
  var socket = null;
  var attempt = 0;
  var timer = null;
  var MAX_DELAY = 30000;

  function emit(name, detail) {
    document.body.dispatchEvent(new CustomEvent(name, { detail: detail || {}, bubbles: true }));
  }

  function setStatus(status) {
    live.status = status;
    emit("live-status", { status: status });
  }

  function onTicketEvent(event) {
    if (!event || typeof event.id !== "number" || seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > 5000) seen = new Set(Array.from(seen).slice(-1000));
    if (lastEventId === null || event.id > lastEventId) lastEventId = event.id;
    live.lastEventId = lastEventId;
    emit("ticket-event", event);
  }

  var handlers = {
    "hello": function (msg) {
      if (lastEventId === null) {
        lastEventId = msg.last_event_id; // a fresh page starts from now
      } else if (msg.last_event_id > lastEventId) {
        socket.send(JSON.stringify({ type: "catchup", since: lastEventId }));
      }
      live.lastEventId = lastEventId;
    },
    "ticket-event": function (msg) { onTicketEvent(msg.event); },
    "catchup-done": function (msg) { if (msg.truncated) emit("live-resync", {}); },
    "call-popup": function (msg) { emit("call-popup", msg.popup); },
    "missed-call": function (msg) { emit("missed-call", msg.call); },
    "display-update": function (msg) { emit("display-update", msg.data); },
    "pong": function () {},
    "error": function (msg) { if (window.console) console.warn("live:", msg.message); }
  };

  function url() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function connect() {
    timer = null;
    setStatus("connecting");
    try {
      socket = new WebSocket(url());
    } catch (e) {
      return schedule();
    }
    socket.onopen = function () {
      attempt = 0;
      setStatus("open");
      if (live.token) socket.send(JSON.stringify({ type: "auth", token: live.token }));
    };
    socket.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      var handler = handlers[msg && msg.type];
      if (handler) handler(msg);
    };
    socket.onclose = function (e) {
      setStatus("closed");
      // 4401/4403: not allowed (logged out, wrong token). Retry slowly: a new login may fix it.
      if (e.code === 4401 || e.code === 4403) attempt = Math.max(attempt, 5);
      schedule();
    };
  }

  function schedule() {
    if (timer) return;
    var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    timer = setTimeout(connect, delay);
  }

  // Reconnect at once when the phone wakes or the network comes back.
  function nudge() {
    if (socket && socket.readyState <= 1) return;
    if (timer) { clearTimeout(timer); timer = null; }
    attempt = 0;
    connect();
  }
  window.addEventListener("online", nudge);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) nudge(); });
  // Idle proxies drop quiet sockets: a ping every 25 s keeps it open.
  setInterval(function () {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
  }, 25000);

  var live = window.hotlineLive = {
    status: "connecting",
    lastEventId: lastEventId,
    token: null,
    reconnect: nudge,
    // A display page without a display session: authenticate with the device token
    // (sent in a message, never in the URL); remembered for reconnects.
    authenticate: function (token) {
      live.token = token;
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "auth", token: token }));
    }
  };

  function start() {
    var data = document.body.dataset;
    path = data.liveSocket || path;
    var initial = parseInt(data.lastEventId || "", 10);
    lastEventId = isNaN(initial) ? null : initial;
    live.lastEventId = lastEventId;
    connect();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
