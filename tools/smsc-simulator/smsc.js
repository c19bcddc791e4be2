#!/usr/bin/env node
// A real SMPP 3.4 SMSC for the gateway's tests and benchmark: the npm `smpp` package in
// server mode, plus what an operator's SMSC does that tests need to see and steer.
//
//   node smsc.js --port 8201 --control-port 8202 --journal /tmp/smsc.jsonl \
//                --system-id hotline --password secret [--receipt-delay-ms 20]
//
// - bind_transceiver with a system_id/password check;
// - submit_sm: accepted (message_id), journalled (append, fsync-free but synchronous) and a
//   delivery receipt follows (deliver_sm, esm_class 0x04, receipted_message_id,
//   message_state, user_message_reference echoed, "id:… stat:…" text);
// - receipts and MO wait in a store-and-forward queue until a session acknowledges them,
//   across reconnects and restarts (the journal is replayed on start);
// - control HTTP API (JSON) on --control-port:
//     GET  /state   what was submitted, counts, queues
//     POST /config  {maxPerSecond, msgqfulEvery, dropAfter, dropMode: "before"|"after_accept",
//                    undeliverable: ["138…"], receiptDelayMs, moRetryMs}
//     POST /mo      {from, to, text | hex, dataCoding, parts, ref, copies}
//     POST /drop    close every session now (like a network cut)
'use strict';

const fs = require('fs');
const http = require('http');
const smpp = require('smpp');

// Raw bytes in and out: the tests check the exact UDH + UCS2 the gateway produced.
const raw = { encode: (v) => v, decode: (v) => v };
smpp.commands.submit_sm.params.short_message.filter = raw;
smpp.commands.deliver_sm.params.short_message.filter = raw;
smpp.tlvs.message_payload.filter = raw;

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const PORT = parseInt(arg('port', '2775'), 10);
const CONTROL_PORT = parseInt(arg('control-port', String(PORT + 1)), 10);
const JOURNAL = arg('journal', '/tmp/smsc-journal.jsonl');
const SYSTEM_ID = arg('system-id', 'hotline');
const PASSWORD = arg('password', 'secret');

const config = {
  maxPerSecond: 0, msgqfulEvery: 0, dropAfter: null, dropMode: 'before',
  undeliverable: [], receiptDelayMs: parseInt(arg('receipt-delay-ms', '20'), 10), moRetryMs: 1000,
};
const stats = { binds: 0, bindFailures: 0, throttled: 0, msgqful: 0, drops: 0, submitsSeen: 0, moAcked: 0,
                moRejected: 0, receiptsAcked: 0, enquireLinks: 0, started: new Date().toISOString() };
const submits = [];            // every accepted submit_sm, journal replay included
const pendingReceipts = new Map();  // message id -> receipt fields (not yet acknowledged)
const pendingMo = [];          // deliver_sm fields not yet acknowledged
const sessions = new Set();    // bound sessions
let nextId = 1;
let moCounter = 0;
let acceptedTimes = [];

// --- journal: what was accepted survives a restart, so receipts still come -------------------
function journal(entry) {
  fs.appendFileSync(JOURNAL, JSON.stringify(entry) + '\n');
}

function replay() {
  if (!fs.existsSync(JOURNAL)) return;
  const acked = new Set();
  const lines = fs.readFileSync(JOURNAL, 'utf8').split('\n').filter(Boolean);
  const entries = [];
  for (const line of lines) {
    try { entries.push(JSON.parse(line)); } catch (e) { /* a line cut by a kill */ }
  }
  for (const e of entries) if (e.t === 'ack') acked.add(e.id);
  for (const e of entries) {
    if (e.t !== 'submit') continue;
    submits.push(e);
    nextId = Math.max(nextId, parseInt(e.id, 10) + 1);
    if (!acked.has(e.id)) pendingReceipts.set(e.id, receiptFor(e));
  }
}

function two(n) { return String(n).padStart(2, '0'); }
function smppDate(d) {
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) +
    two(d.getUTCHours()) + two(d.getUTCMinutes());
}

function receiptFor(sub) {
  const failed = config.undeliverable.includes(sub.dst);
  const stat = failed ? 'UNDELIV' : 'DELIVRD';
  const now = new Date();
  const text = `id:${sub.id} sub:001 dlvrd:${failed ? '000' : '001'} submit date:${smppDate(new Date(sub.at))} ` +
    `done date:${smppDate(now)} stat:${stat} err:${failed ? '001' : '000'} text:`;
  return {
    source_addr: sub.dst, destination_addr: sub.src, esm_class: 0x04, data_coding: 0,
    short_message: Buffer.from(text, 'latin1'), receipted_message_id: sub.id,
    message_state: failed ? 5 : 2, user_message_reference: sub.umr,
  };
}

// --- delivering receipts and MO: to any bound session, until acknowledged --------------------
const inFlight = new Set();

function anySession() {
  for (const s of sessions) if (s.socket.writable) return s;
  return null;
}

function deliver(key, fields, onAck) {
  if (inFlight.has(key)) return;
  const session = anySession();
  if (!session) return;
  inFlight.add(key);
  session.inFlight.add(key);
  const pdu = new smpp.PDU('deliver_sm', Object.assign({}, fields));
  const sent = session.send(pdu, (resp) => {
    inFlight.delete(key);
    session.inFlight.delete(key);
    if (resp.command_status === 0) onAck();
    else if (key.startsWith('mo:')) stats.moRejected += 1;
  });
  if (!sent) { inFlight.delete(key); session.inFlight.delete(key); }
}

function flush() {
  for (const [id, fields] of pendingReceipts) {
    deliver('dlr:' + id, fields, () => {
      if (pendingReceipts.delete(id)) { journal({ t: 'ack', id }); stats.receiptsAcked += 1; }
    });
  }
  for (const mo of pendingMo.slice()) {
    deliver('mo:' + mo.key, mo.fields, () => {
      const i = pendingMo.indexOf(mo);
      if (i >= 0) { pendingMo.splice(i, 1); stats.moAcked += 1; }
    });
  }
}
setInterval(flush, config.moRetryMs);

// --- the SMPP server -------------------------------------------------------------------------
const server = smpp.createServer((session) => {
  let bound = false;
  let submitsThisSession = 0;
  session.inFlight = new Set();  // deliver_sm awaiting this session's answer
  session.on('error', () => {});
  session.on('close', () => {
    sessions.delete(session);
    for (const key of session.inFlight) inFlight.delete(key);  // unanswered: offer again later
  });

  session.on('bind_transceiver', (pdu) => {
    const ok = pdu.system_id === SYSTEM_ID && pdu.password === PASSWORD;
    if (!ok) {
      stats.bindFailures += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
      return;
    }
    bound = true;
    stats.binds += 1;
    session.send(pdu.response({ system_id: 'HOTLINE-SMSC' }));
    sessions.add(session);
    setImmediate(flush);
  });

  session.on('enquire_link', (pdu) => { stats.enquireLinks += 1; session.send(pdu.response()); });
  session.on('unbind', (pdu) => { session.send(pdu.response()); session.close(); });
  session.on('unknown', (pdu) => session.send(pdu.response()));

  session.on('submit_sm', (pdu) => {
    stats.submitsSeen += 1;
    if (!bound) { session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS })); return; }
    if (config.dropAfter !== null && submitsThisSession >= config.dropAfter) {
      const mode = config.dropMode;
      config.dropAfter = null;  // one cut per order
      stats.drops += 1;
      if (mode === 'after_accept') accept(pdu);  // the SMSC has it; the answer is lost
      session.socket.destroy();
      return;
    }
    const now = Date.now();
    acceptedTimes = acceptedTimes.filter((t) => now - t < 1000);
    if (config.maxPerSecond && acceptedTimes.length >= config.maxPerSecond) {
      stats.throttled += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    if (config.msgqfulEvery && stats.submitsSeen % config.msgqfulEvery === 0) {
      stats.msgqful += 1;
      session.send(pdu.response({ command_status: smpp.ESME_RMSGQFUL }));
      return;
    }
    submitsThisSession += 1;
    acceptedTimes.push(now);
    const sub = accept(pdu);
    session.send(pdu.response({ message_id: sub.id }));
  });
});

function accept(pdu) {
  const sm = Buffer.isBuffer(pdu.short_message) ? pdu.short_message : Buffer.alloc(0);
  const sub = {
    t: 'submit', id: String(nextId++), src: pdu.source_addr, dst: pdu.destination_addr,
    esm: pdu.esm_class, dc: pdu.data_coding, sm: sm.toString('hex'),
    umr: pdu.user_message_reference === undefined ? null : pdu.user_message_reference,
    at: Date.now(),
  };
  journal(sub);
  submits.push(sub);
  setTimeout(() => { pendingReceipts.set(sub.id, receiptFor(sub)); flush(); }, config.receiptDelayMs);
  return sub;
}

// --- MO messages (a citizen texting the hotline) ---------------------------------------------
function queueMo(body) {
  const dataCoding = body.dataCoding === undefined ? 8 : body.dataCoding;
  let payload;
  if (body.hex !== undefined) payload = Buffer.from(body.hex, 'hex');
  else if (dataCoding === 8) payload = Buffer.from(body.text || '', 'utf16le').swap16();
  else payload = Buffer.from(body.text || '', 'latin1');
  const parts = Math.max(1, body.parts || 1);
  const ref = body.ref === undefined ? (++moCounter % 256) : body.ref;
  const chunk = Math.ceil(payload.length / parts / 2) * 2 || 2;
  const copies = Math.max(1, body.copies || 1);
  const queued = [];
  for (let seq = 1; seq <= parts; seq++) {
    let sm = payload.slice((seq - 1) * chunk, seq * chunk);
    let esm = 0;
    if (parts > 1) { sm = Buffer.concat([Buffer.from([5, 0, 3, ref, parts, seq]), sm]); esm = 0x40; }
    const fields = { source_addr: body.from, destination_addr: body.to || '12345', esm_class: esm,
                     data_coding: dataCoding, short_message: sm };
    for (let c = 0; c < copies; c++) {
      const mo = { key: `${++moCounter}`, fields };
      pendingMo.push(mo);
      queued.push(mo.key);
    }
  }
  // Parts go out in reverse order when asked: a handset network does not promise order.
  if (body.reverse) pendingMo.reverse();
  setImmediate(flush);
  return queued;
}

// --- control API -----------------------------------------------------------------------------
function readJson(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => { try { resolve(data ? JSON.parse(data) : {}); } catch (e) { resolve({}); } });
  });
}

const control = http.createServer(async (req, res) => {
  const send = (code, obj) => {
    res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(obj));
  };
  if (req.method === 'GET' && req.url === '/state') {
    return send(200, { stats, config, bound: sessions.size, submits, pendingReceipts: pendingReceipts.size,
                       pendingMo: pendingMo.length });
  }
  if (req.method === 'POST' && req.url === '/config') {
    Object.assign(config, await readJson(req));
    return send(200, config);
  }
  if (req.method === 'POST' && req.url === '/mo') {
    return send(200, { queued: queueMo(await readJson(req)) });
  }
  if (req.method === 'POST' && req.url === '/drop') {
    for (const s of sessions) s.socket.destroy();
    stats.drops += 1;
    return send(200, { dropped: true });
  }
  return send(404, { error: 'unknown' });
});

replay();
server.listen(PORT, '127.0.0.1', () => {
  control.listen(CONTROL_PORT, '127.0.0.1', () => {
    console.log(`SMSC listening on 127.0.0.1:${PORT}, control on ${CONTROL_PORT}, ` +
                `${submits.length} submits replayed, ${pendingReceipts.size} receipts pending`);
  });
});
process.on('SIGTERM', () => process.exit(0));
