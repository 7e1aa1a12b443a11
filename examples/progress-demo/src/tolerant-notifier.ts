import { DeliveryError, type Notifier } from '@inloop/server';
import type { NotifierLike } from '@inloop/sqs';
import type { DemoLogger } from './log.js';

/**
 * enqueue() of @inloop/sqs gives up (and does not send the job) when the `queued` event cannot be delivered,
 * e.g. while the relay is down. The task store already holds that event by then and the page reads it from
 * the status endpoint, so for the demo a lost `queued` notification must not stop the job: this wrapper logs
 * the delivery failure and lets enqueue() carry on.
 */
export function queueingDespiteDeliveryFailures(notifier: Notifier, logger: DemoLogger): NotifierLike {
  return {
    store: notifier.store,
    task(taskId, options) {
      const reporter = notifier.task(taskId, options);
      const queued = reporter.queued.bind(reporter);
      reporter.queued = () =>
        queued().catch((error: unknown) => {
          if (!(error instanceof DeliveryError)) throw error;
          logger.warn({ taskId, err: error }, 'queued event not delivered; the status endpoint has it');
        });
      return reporter;
    },
  };
}
