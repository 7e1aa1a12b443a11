// One relay process of the relay-cluster benchmark: `node node.mjs BUNDLE local|redis|redis-solo PREFIX`.
// Each setup has its own PREFIX, so a node only ever shares the bus with the nodes of its setup.
// Tells the parent { type: 'ready', port } over IPC and answers { type: 'cpu' } with process.cpuUsage().
import { APP } from '../relay-fanout/shared.mjs';

const [bundle, mode, prefix] = process.argv.slice(2);
const { createRelay } = await import(bundle);
const relay = await createRelay({
  logger: false,
  apps: [APP],
  activityTimeoutSeconds: 600,
  ...(mode === 'local' ? {} : { adapter: { driver: 'redis', url: 'redis://127.0.0.1:6379', prefix } }),
});
const { port } = await relay.listen({ port: 0, host: '127.0.0.1' });

const exit = () => relay.close().finally(() => process.exit(0));
process.on('message', (message) => {
  if (message.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message.type === 'exit') exit();
});
process.on('disconnect', exit);
process.send({ type: 'ready', port });
