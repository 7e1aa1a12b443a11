import { randomInt } from 'node:crypto';

/** Socket ids as Pusher makes them (`\d+\.\d+`): a random number per process, then a counter. */
export function createSocketIdGenerator(): () => string {
  const node = randomInt(1, 2 ** 31 - 1);
  let counter = 0;
  return () => `${node}.${++counter}`;
}
