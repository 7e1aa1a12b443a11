/**
 * A publish hands the same frame string to every subscriber of a channel. Websockets write
 * bytes, so the string is encoded once for the whole fan-out rather than once per subscriber:
 * the last frame's bytes are kept and reused while the same frame is being sent.
 */
let lastFrame = '';
let lastBytes: Buffer = Buffer.alloc(0);

export function frameBytes(frame: string): Buffer {
  if (frame !== lastFrame) {
    lastFrame = frame;
    lastBytes = Buffer.from(frame, 'utf8');
  }
  return lastBytes;
}

/** ws send options for a frame given as bytes: still a text frame, as Pusher clients expect. */
export const TEXT_FRAME = { binary: false } as const;
