import type { Notifier } from '@inloop/server';

export type { ProgressUpdate } from '@inloop/server';

/** What the worker and enqueue use of a Notifier from @inloop/server's createNotifier(). */
export type NotifierLike = Pick<Notifier, 'task' | 'store'>;
