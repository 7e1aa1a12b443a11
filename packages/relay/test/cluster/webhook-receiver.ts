import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  name: string;
  channel: string;
  user_id?: string;
}

/** An HTTP server that records the events of every webhook request it gets. */
export async function startWebhookReceiver() {
  const events: ReceivedEvent[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      events.push(...(JSON.parse(body) as { events: ReceivedEvent[] }).events);
      for (const waiter of waiters.splice(0)) waiter();
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    events,
    /** `name` events of `channel`, as "name user" strings. */
    of(channel: string): string[] {
      return events
        .filter((event) => event.channel === channel)
        .map((event) => (event.user_id === undefined ? event.name : `${event.name} ${event.user_id}`));
    },
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close(): Promise<void> {
      waiters = [];
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
