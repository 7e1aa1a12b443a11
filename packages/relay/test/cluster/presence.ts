import type { Pusher } from '../../../../test/helpers/pusher-js.js';

/** The member ids pusher-js shows for a presence channel, sorted. */
export function memberIds(client: Pusher, channel: string): string[] {
  const ids: string[] = [];
  (client.channel(channel) as unknown as { members: { each(fn: (m: { id: string }) => void): void } }).members.each(
    (member) => ids.push(member.id),
  );
  return ids.sort();
}

/** Resolves when pusher-js reports `event` (`member_added` / `member_removed`) for `userId`. */
export function memberEvent(
  client: Pusher,
  channel: string,
  event: 'member_added' | 'member_removed',
  userId: string,
): Promise<void> {
  return new Promise((resolve) => {
    const listener = (member: { id: string }) => {
      if (member.id !== userId) return;
      client.channel(channel).unbind(`pusher:${event}`, listener);
      resolve();
    };
    client.channel(channel).bind(`pusher:${event}`, listener);
  });
}
