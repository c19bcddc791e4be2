// Drives static/js/live.js in Node with a fake DOM and WebSocket; prints "ok" or throws.
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const dispatched = [];
const sockets = [];
const timers = [];
class FakeSocket {
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
  send(data) { this.sent.push(JSON.parse(data)); }
  open() { this.readyState = 1; this.onopen && this.onopen(); }
  message(obj) { this.onmessage({ data: JSON.stringify(obj) }); }
  close(code) { this.readyState = 3; this.onclose && this.onclose({ code: code || 1006 }); }
}
const body = { dataset: { lastEventId: "" }, dispatchEvent: (e) => dispatched.push(e) };
const context = {
  window: {}, document: { body, readyState: "complete", hidden: false, addEventListener() {} },
  location: { protocol: "http:", host: "testserver" },
  WebSocket: FakeSocket, Set, Array, JSON, Math, isNaN, parseInt, console,
  CustomEvent: class { constructor(type, init) { this.type = type; this.detail = init.detail; } },
  setTimeout: (fn) => { timers.push(fn); return timers.length; }, clearTimeout() {}, setInterval() {},
};
context.window.addEventListener = () => {};
context.window.WebSocket = FakeSocket;
vm.createContext(context);
vm.runInContext(fs.readFileSync(path.join(__dirname, "../../static/js/live.js"), "utf8"), context);

function assert(cond, msg) { if (!cond) throw new Error(msg); }
const names = () => dispatched.map((e) => e.type).filter((t) => t !== "live-status");

let ws = sockets[0];
assert(ws.url === "ws://testserver/ws/staff/", "connects to the staff socket: " + ws.url);
ws.open();
ws.message({ type: "hello", last_event_id: 10 });
assert(ws.sent.length === 0, "a fresh page asks for no catch-up");
ws.message({ type: "ticket-event", event: { id: 11, ticket_id: 1, kind: "dispatch" } });
ws.message({ type: "ticket-event", event: { id: 11, ticket_id: 1, kind: "dispatch" } });
ws.message({ type: "call-popup", popup: { call_id: "C-1" } });
assert(JSON.stringify(names()) === '["ticket-event","call-popup"]', "each event once: " + names());
assert(dispatched.find((e) => e.type === "call-popup").detail.call_id === "C-1", "popup detail");

ws.close();
assert(timers.length === 1, "a reconnect is scheduled");
timers.shift()();
ws = sockets[1];
ws.open();
ws.message({ type: "hello", last_event_id: 15 });
assert(ws.sent.length === 1 && ws.sent[0].type === "catchup" && ws.sent[0].since === 11,
       "catches up from the last event seen: " + JSON.stringify(ws.sent));
ws.message({ type: "ticket-event", event: { id: 12, ticket_id: 1, kind: "sign" } });
ws.message({ type: "catchup-done", last_event_id: 12, truncated: true });
assert(names().slice(-2).join() === "ticket-event,live-resync", "truncated catch-up asks pages to reload");
console.log("ok");
