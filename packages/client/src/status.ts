import { fetchOf } from './environment.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import type { FetchLike } from './transport.js';

export interface StatusSource {
  url: (taskId: string) => string;
  headers: () => Record<string, string>;
  fetch?: FetchLike;
}

/** Reads a task's snapshot from the app's status endpoint; undefined when the task is not known (404). */
export async function fetchTaskStatus(source: StatusSource, taskId: string): Promise<unknown> {
  const url = source.url(taskId);
  const response = await fetchOf(source)(url, {
    headers: { Accept: 'application/json', ...source.headers() },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.ok) return response.json();
  await response.body?.cancel();
  if (response.status !== 404) {
    const { status } = response;
    throw new InloopClientError(ClientErrorCode.StatusFailed, `GET ${url} answered ${status}`, status);
  }
}
