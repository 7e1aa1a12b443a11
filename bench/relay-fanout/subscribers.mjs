// Holds the subscribers of one server in their own process: `node subscribers.mjs relay|ws|socketio PORT COUNT`.
// Parent → { type: 'phase', expected }: count deliveries; → { type: 'done', ... } once `expected` arrived.
import WebSocket from 'ws';
import { APP, CHANNEL, EVENT, nowMs } from './shared.mjs';

const [kind, port, countArg] = process.argv.slice(2);
const count = Number(countArg);
const DATA_MARK = Buffer.from('"data":"');

let phase = null;

/** One delivery: `sentAt` read from the payload's head. */
function delivered(sentAt) {
  if (!phase) return;
  const at = nowMs();
  if (phase.received < phase.latencies.length) phase.latencies[phase.received] = at - sentAt;
  phase.received++;
  phase.lastAt = at;
  if (phase.received === phase.expected) finishPhase();
}

/** 1001 evenly spaced quantiles of sorted values: small to send, and rounds of equal size merge by concatenation. */
function quantiles(sorted) {
  if (sorted.length === 0) return [];
  return Array.from(
    { length: 1001 },
    (_, i) => sorted[Math.min(sorted.length - 1, Math.floor((i / 1000) * sorted.length))],
  );
}

function finishPhase() {
  const done = phase;
  phase = null;
  clearTimeout(done.timer);
  const latencies = done.latencies.subarray(0, Math.min(done.received, done.latencies.length)).sort();
  process.send({ type: 'done', received: done.received, lastAt: done.lastAt, quantiles: quantiles(latencies) });
}

/** `sentAt` from a Pusher frame's data string `"<ms>|ppp…"` without parsing the whole frame. */
function sentAtOfFrame(buffer) {
  const start = buffer.indexOf(DATA_MARK) + DATA_MARK.length;
  const end = buffer.indexOf(124 /* | */, start);
  return Number(buffer.toString('latin1', start, end));
}

function connectPusher(index) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${APP.key}?protocol=7&client=bench&version=1`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    ws.on('error', reject);
    ws.on('message', (data) => {
      // Fast path for `{"event":"tick"…`: every other frame the relay sends is a pusher… one.
      if (data[10] === 116 /* t */) return delivered(sentAtOfFrame(data));
      const text = data.toString();
      if (text.includes('pusher:connection_established')) {
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL } }));
      } else if (text.includes('pusher_internal:subscription_succeeded')) {
        resolve(ws);
      } else if (text.includes('pusher:ping')) {
        ws.send('{"event":"pusher:pong","data":{}}');
      } else if (text.includes(`"event":"${EVENT}"`)) {
        delivered(sentAtOfFrame(data));
      } else if (index === 0) {
        process.stderr.write(`subscriber got ${text.slice(0, 200)}\n`);
      }
    });
  });
}

function connectWs() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false, skipUTF8Validation: true });
    ws.on('error', reject);
    ws.on('open', () => resolve(ws));
    ws.on('message', (data) => delivered(sentAtOfFrame(data)));
  });
}

async function connectSocketIo() {
  const { io } = await import('socket.io-client');
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('connect_error', reject);
    socket.on('joined', () => resolve(socket));
    socket.on('tick', (data) => delivered(Number(data.slice(0, data.indexOf('|')))));
  });
}

const connect = { relay: connectPusher, ws: connectWs, socketio: connectSocketIo }[kind];
const sockets = [];
// A few at a time: thousands of simultaneous handshakes would only measure the accept queue.
for (let index = 0; index < count; index += 50) {
  const batch = [];
  for (let offset = 0; offset < 50 && index + offset < count; offset++) batch.push(connect(index + offset));
  sockets.push(...(await Promise.all(batch)));
}

process.on('message', (message) => {
  if (message.type === 'phase') {
    phase = {
      expected: message.expected,
      received: 0,
      lastAt: 0,
      latencies: new Float64Array(message.expected),
      timer: setTimeout(() => phase && finishPhase(), message.timeoutMs),
    };
  }
  if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', count: sockets.length });
