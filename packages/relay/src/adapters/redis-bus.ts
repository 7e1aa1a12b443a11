/**
 * Messages between relay nodes on the cluster's pub/sub channel: one header line of JSON
 * (type, sender node, app, ...) and, for events, the frame exactly as encoded once by the
 * publisher, so no node re-encodes it.
 */
export type BusMessage =
  | { type: 'event'; node: string; appId: string; channel: string; frame: string; exceptSocketId?: string }
  | { type: 'terminate'; node: string; appId: string; userId: string };

export function encodeBusEvent(
  node: string,
  appId: string,
  channel: string,
  frame: string,
  exceptSocketId?: string,
): string {
  return `${JSON.stringify(['e', node, appId, channel, exceptSocketId ?? null])}\n${frame}`;
}

export function encodeBusTerminate(node: string, appId: string, userId: string): string {
  return JSON.stringify(['t', node, appId, userId]);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Undefined for a message this version does not understand. */
export function decodeBusMessage(message: string): BusMessage | undefined {
  const newline = message.indexOf('\n');
  let header: unknown;
  try {
    header = JSON.parse(newline < 0 ? message : message.slice(0, newline));
  } catch {
    return undefined;
  }
  if (!Array.isArray(header)) return undefined;
  const [type, node, appId, target, except] = header as unknown[];
  if (!isString(node) || !isString(appId) || !isString(target)) return undefined;
  if (type === 'e' && newline >= 0) {
    const event: BusMessage = { type: 'event', node, appId, channel: target, frame: message.slice(newline + 1) };
    if (isString(except)) event.exceptSocketId = except;
    return event;
  }
  if (type === 't') return { type: 'terminate', node, appId, userId: target };
  return undefined;
}
