import type { LoggerLike } from './logger.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM or SIGINT, calls `stop`; once it is done and nobody else listens for the signal, raises it again so it
 * has its default effect (ending the process). A second signal during the stop therefore ends the process at once.
 * Returns the function that removes the handlers.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: LoggerLike): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of SIGNALS) {
    const handler = () => {
      logger.info({ signal }, 'stopping on signal');
      void stop().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
}
