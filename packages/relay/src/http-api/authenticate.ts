import { verifyRequest } from '@inloop/protocol/signing';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config-schema.js';
import { HttpApiError, RelayErrorCode } from '../errors.js';
import type { RelayCoreImpl } from '../relay-core.js';

/**
 * Verifies a signed HTTP API request (key of the app in the path, timestamp within the
 * allowed skew, body_md5 of the raw body, HMAC signature) and returns its app.
 */
export function authenticate(core: RelayCoreImpl, request: FastifyRequest<{ Params: { appId: string } }>): AppConfig {
  const app = core.appById(request.params.appId);
  const rawPath = request.url.split('?', 1)[0] as string;
  const body = typeof request.body === 'string' ? request.body : undefined;
  const verify = (path: string) =>
    verifyRequest({
      method: request.method,
      path,
      query: request.query as Record<string, string | string[] | undefined>,
      body,
      secretForKey: (key) => (app && app.key === key ? app.secret : undefined),
      maxClockSkewSeconds: core.config.maxClockSkewSeconds,
    });
  let result = verify(rawPath);
  if (!result.ok) {
    // Clients differ in whether they sign the path before or after percent-encoding it.
    let decoded = rawPath;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {}
    if (decoded !== rawPath) {
      const retry = verify(decoded);
      if (retry.ok) result = retry;
    }
  }
  if (!result.ok || !app) {
    const reason = result.ok ? 'unknown app' : result.reason;
    request.log.info({ appId: request.params.appId.slice(0, 64), reason }, 'HTTP API request refused');
    throw new HttpApiError(401, RelayErrorCode.HttpAuthInvalid, `authentication failed: ${reason}`);
  }
  if (!app.enabled) throw new HttpApiError(403, RelayErrorCode.AppDisabled, 'this app is disabled');
  return app;
}
