import type { Adapter } from '../adapter.js';
import type { ChannelEventSink } from '../webhooks/webhook-events.js';

/**
 * What the relay offers its adapter. An adapter that implements `attachHooks` gets them once,
 * when the relay is created, before any connection:
 * - `channelEvents`: report lifecycle events only the adapter sees, e.g. `member_removed` and
 *   `channel_vacated` for the members of a node that died (emit them on one node only).
 *   Events from local joins and leaves are already reported from their JoinResult/LeaveResult.
 * - `roundTrip`: call once per round-trip to the shared store (e.g. a Redis command or
 *   pipeline), with its duration in seconds; it feeds `inloop_relay_adapter_round_trip_seconds`.
 */
export interface AdapterHooks {
  channelEvents: ChannelEventSink;
  roundTrip(operation: string, seconds: number): void;
}

export interface HookableAdapter {
  attachHooks(hooks: AdapterHooks): void;
}

export function isHookable(adapter: Adapter): adapter is Adapter & HookableAdapter {
  return typeof (adapter as Partial<HookableAdapter>).attachHooks === 'function';
}
