import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of the relay that can go silent: while `blackhole` is on, bytes in both
 * directions are swallowed but every socket stays open, as on a network that died without a
 * FIN (a sleeping laptop, a mobile handover). Only ping/pong can notice that.
 */
export interface TcpProxy {
  port: number;
  blackhole: boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const proxy: TcpProxy = { port: 0, blackhole: false, close: async () => {} };
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => {
      if (!proxy.blackhole) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!proxy.blackhole) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
