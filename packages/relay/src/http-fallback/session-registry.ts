import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedHttpFallbackOptions } from './options.js';
import type { ReceiverKind } from './receiver.js';
import { HttpSession } from './session.js';

/** The open HTTP sessions of this relay process, by `key/server/session`. */
export class SessionRegistry {
  readonly #sessions = new Map<string, HttpSession>();

  constructor(
    readonly options: ResolvedHttpFallbackOptions,
    readonly logger: FastifyBaseLogger,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): HttpSession | undefined {
    return this.#sessions.get(id);
  }

  create(id: string, transport: ReceiverKind): HttpSession {
    const session = new HttpSession(id, transport, this.options, (gone, reason) => {
      if (this.#sessions.get(gone.id) === gone) this.#sessions.delete(gone.id);
      this.logger.debug(
        { session: gone.id, socketId: gone.connection?.socketId, transport: gone.transport, reason },
        'HTTP fallback session ended',
      );
    });
    this.#sessions.set(id, session);
    return session;
  }

  /** Ends every session (relay shutdown): each open receive request gets the close line at once. */
  closeAll(code: number, reason: string): void {
    for (const session of [...this.#sessions.values()]) session.expire(code, reason);
  }
}
