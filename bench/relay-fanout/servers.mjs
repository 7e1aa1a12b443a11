// One server under test, in its own process: `node servers.mjs relay|ws|socketio [relayBundle]`.
// Tells the parent { type: 'ready', port } over IPC and answers { type: 'cpu' } with process.cpuUsage().
import { createServer } from 'node:http';
import { APP, CHANNEL } from './shared.mjs';

const [kind, relayBundle] = process.argv.slice(2);

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function startRelay() {
  const { createRelay } = await import(relayBundle);
  const relay = await createRelay({ logger: false, apps: [APP], activityTimeoutSeconds: 600 });
  const { port } = await relay.listen({ port: 0, host: '127.0.0.1' });
  return port;
}

/** The limit: `ws` broadcasting the body of POST /publish (the complete Pusher frame) to every client. */
async function startWs() {
  const { WebSocketServer, WebSocket } = await import('ws');
  const server = createServer(async (request, response) => {
    const frame = await readBody(request);
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: false });
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => {}));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

/** The usual peer: socket.io emitting the body of POST /publish to a room. */
async function startSocketIo() {
  const { Server } = await import('socket.io');
  const server = createServer(async (request, response) => {
    const payload = (await readBody(request)).toString('utf8');
    io.to(CHANNEL).emit('tick', payload);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  io.on('connection', (socket) => {
    socket.join(CHANNEL);
    socket.emit('joined');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const start = { relay: startRelay, ws: startWs, socketio: startSocketIo }[kind];
if (!start) throw new Error(`unknown server kind ${kind}`);
const port = await start();
process.on('message', (message) => {
  if (message.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', port });
