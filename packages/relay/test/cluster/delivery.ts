import type PusherServer from 'pusher';
import type { Pusher } from '../../../../test/helpers/pusher-js.js';

/**
 * Triggers through `node` until `client` gets one of the events: a node that just reconnected
 * subscribes to the bus again on its own schedule, so the first events may still be lost.
 */
export async function eventuallyDelivered(
  node: { server: PusherServer },
  client: Pusher,
  channel: string,
): Promise<void> {
  const delivered = new Promise((resolve) => client.channel(channel).bind('probe', resolve));
  let arrived = false;
  delivered.then(() => {
    arrived = true;
  });
  for (let attempt = 0; !arrived; attempt++) {
    await node.server.trigger(channel, 'probe', { attempt }).catch(() => {});
    await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 300))]);
  }
  client.channel(channel).unbind('probe');
}
