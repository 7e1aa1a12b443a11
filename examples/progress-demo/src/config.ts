import { z } from 'zod';
import { DemoError, DemoErrorCode } from './errors.js';

const port = z.coerce.number().int().min(0).max(65535);
const ms = z.coerce.number().int().min(0);

const envSchema = z.object({
  DEMO_HOST: z.string().min(1).default('127.0.0.1'),
  DEMO_PORT: port.default(3000),
  RELAY_PORT: port.default(6001),
  RELAY_APP_ID: z.string().min(1).default('inloop-demo'),
  RELAY_KEY: z.string().min(1).default('demo-key'),
  RELAY_SECRET: z.string().min(1).default('demo-secret'),
  /** pusher://…, ably://… or relay://…; unset: the embedded relay. */
  INLOOP_URL: z.string().min(1).optional(),
  /** Pause between two progress steps of a job. */
  DEMO_STEP_MS: ms.default(400),
  /** Seconds a received message stays invisible; also how soon a crashed worker's job comes back. */
  DEMO_VISIBILITY_SECONDS: z.coerce.number().int().min(1).max(43_200).default(10),
  /** Receives before SQS moves a message to the dead-letter queue. */
  DEMO_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(3),
  DEMO_RESTART_DELAY_MS: ms.default(500),
});

export interface DemoConfig {
  host: string;
  port: number;
  relay: { port: number; appId: string; key: string; secret: string };
  /** The transport URL the notifier uses (INLOOP_URL, or the embedded relay's). */
  inloopUrl: string;
  /** True when the demo runs its own relay (INLOOP_URL unset). */
  embeddedRelay: boolean;
  stepMs: number;
  visibilitySeconds: number;
  maxReceiveCount: number;
  restartDelayMs: number;
}

export function relayUrl(relay: DemoConfig['relay'], host = '127.0.0.1'): string {
  const key = encodeURIComponent(relay.key);
  const secret = encodeURIComponent(relay.secret);
  return `relay://${key}:${secret}@${host}:${relay.port}/${encodeURIComponent(relay.appId)}`;
}

/** Reads the demo's settings from the environment; a bad value throws DEMO_CONFIG_INVALID naming it. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new DemoError(DemoErrorCode.ConfigInvalid, `invalid environment: ${problems}`);
  }
  const values = parsed.data;
  const relay = {
    port: values.RELAY_PORT,
    appId: values.RELAY_APP_ID,
    key: values.RELAY_KEY,
    secret: values.RELAY_SECRET,
  };
  return {
    host: values.DEMO_HOST,
    port: values.DEMO_PORT,
    relay,
    inloopUrl: values.INLOOP_URL ?? relayUrl(relay),
    embeddedRelay: values.INLOOP_URL === undefined,
    stepMs: values.DEMO_STEP_MS,
    visibilitySeconds: values.DEMO_VISIBILITY_SECONDS,
    maxReceiveCount: values.DEMO_MAX_RECEIVE_COUNT,
    restartDelayMs: values.DEMO_RESTART_DELAY_MS,
  };
}
