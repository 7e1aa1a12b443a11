import type { Message } from '@aws-sdk/client-sqs';
import type { TaskError } from '@inloop/protocol';

export interface JobEvent {
  taskId: string;
  attempt: number;
  message: Message;
}

export interface PoisonEvent {
  taskId?: string;
  code: string;
  reason: string;
  message: Message;
}

export interface WarningEvent {
  code: string;
  message: string;
  taskId?: string;
}

/** The events a worker emits (node:events); `error` is only emitted when someone listens, else logged. */
export interface WorkerEvents {
  started: [JobEvent];
  succeeded: [JobEvent & { result: unknown }];
  retrying: [JobEvent & { error: TaskError; cause: unknown; nextAt: number }];
  failed: [JobEvent & { error: TaskError; cause: unknown }];
  cancelled: [JobEvent];
  poison: [PoisonEvent];
  warning: [WarningEvent];
  error: [Error];
  stopped: [];
}
