import { fetchOf } from './environment.js';
import { ClientErrorCode, InloopClientError, invalidOption } from './errors.js';
import type { ResolvedOptions } from './options.js';

export interface ChannelAuth {
  auth: string;
  channel_data?: string;
  shared_secret?: string;
}

export interface UserAuth {
  auth: string;
  user_data: string;
}

/**
 * POSTs a form like pusher-js does and reads the JSON answer, which must hold `fields` as strings.
 * `setting` names the connect() option of the endpoint, for the error when it is missing.
 */
async function postForm<T>(
  options: ResolvedOptions,
  setting: 'authEndpoint' | 'userAuthEndpoint',
  form: Record<string, string>,
  fields: string[],
): Promise<T> {
  const endpoint = options[setting];
  if (!endpoint) invalidOption(`set \`${setting}\` in connect()`);
  let status: number | undefined;
  try {
    const response = await fetchOf(options)(endpoint, {
      method: 'POST',
      headers: options.authHeaders(),
      // fetch sends URLSearchParams as application/x-www-form-urlencoded, as pusher-js posts it, and with the
      // page's cookies to its own origin (fetch's default credentials, `same-origin`).
      body: new URLSearchParams(form),
    });
    status = response.status;
    const answer = response.ok ? await response.json() : await response.body?.cancel();
    if (fields.every((field) => typeof answer?.[field] === 'string')) return answer;
  } catch {
    // Unreachable, or not JSON: reported below like a refusal.
  }
  throw new InloopClientError(
    ClientErrorCode.AuthFailed,
    `${endpoint} answered ${status ?? 'nothing'} without ${fields.join(' and ')}`,
    status,
  );
}

export function authorizeChannel(options: ResolvedOptions, socketId: string, channel: string): Promise<ChannelAuth> {
  return postForm(options, 'authEndpoint', { socket_id: socketId, channel_name: channel }, ['auth']);
}

export function authenticateUser(options: ResolvedOptions, socketId: string): Promise<UserAuth> {
  return postForm(options, 'userAuthEndpoint', { socket_id: socketId }, ['auth', 'user_data']);
}
