import { DeliveryError } from '../errors.js';
import { parseRetryAfter } from './retry.js';

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * POSTs a JSON body; any status ≥ 400 or network failure becomes a DeliveryError.
 * `label` names the request in errors (method and path, never the signed query).
 */
export async function postJson(
  transport: string,
  label: string,
  url: string,
  body: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeliveryError(`${transport}: ${label} failed: ${reason}`, transport, undefined, true, undefined, {
      cause: error,
    });
  }
  if (response.status < 400) {
    // Read the (small) answer to the end rather than cancel it: that frees the connection for reuse, and
    // a cancelled body of a cloned response never settles (mswjs/interceptors#712, #799).
    await response.arrayBuffer().catch(() => undefined);
    return;
  }
  const text = (await response.text().catch(() => '')).trim().slice(0, 300);
  throw new DeliveryError(
    `${transport}: ${label} answered ${response.status}${text ? `: ${text}` : ''}`,
    transport,
    response.status,
    isRetryableStatus(response.status),
    parseRetryAfter(response.headers.get('retry-after')),
  );
}
