/** Whether realtime delivery works: `pending` while (re)connecting, `down` once it has given up for now. */
export type RealtimeStatus = 'up' | 'pending' | 'down';

export interface TaskFeedHandlers {
  /** The data of one task event (an object, or a JSON string of one). */
  onData(data: unknown): void;
  /** The channel is (again) subscribed: any gap before this moment is over. */
  onSubscribed(): void;
}

/**
 * What watchTask needs from a realtime connection. Our own client, pusher-js and ably-js each
 * provide one, so watchTask behaves the same over all three.
 */
export interface TaskFeed {
  watchChannel(channel: string, handlers: TaskFeedHandlers): () => void;
  realtime(): RealtimeStatus;
  onRealtimeChange(listener: (status: RealtimeStatus) => void): () => void;
  /** Asks for the channel's last event again (cache channel, rewind) and checks the connection. */
  refresh(channel: string): void;
}
