import { channelNameProblem } from '@inloop/protocol';
import { isValidSocketId } from '@inloop/protocol/signing';
import { z } from 'zod';
import type { AppLimits } from '../config-schema.js';
import { formatConfigIssues } from '../config.js';
import { HttpApiError, RelayErrorCode } from '../errors.js';

const eventFields = {
  name: z.string().min(1, 'the event needs a name'),
  /** Pusher carries data as a string; a JSON value is accepted and encoded. */
  data: z.unknown().refine((value) => value !== undefined, 'the event needs data'),
  socket_id: z.string().optional(),
  info: z.string().optional(),
};

const triggerSchema = z.object({
  ...eventFields,
  channels: z.array(z.string()).optional(),
  channel: z.string().optional(),
});

const batchSchema = z.object({
  batch: z.array(z.object({ ...eventFields, channel: z.string() })),
});

export interface TriggerEvent {
  name: string;
  channels: string[];
  /** Exactly as it goes on the wire: a string. */
  data: string;
  socketId?: string;
  info: string[];
}

function invalid(message: string): HttpApiError {
  return new HttpApiError(400, RelayErrorCode.HttpRequestInvalid, message);
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string' || body.length === 0) throw invalid('the request needs a JSON body');
  try {
    return JSON.parse(body);
  } catch {
    throw invalid('the request body is not valid JSON');
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(`invalid request body: ${formatConfigIssues(result.error).join('; ')}`);
  return result.data;
}

function toEvent(
  raw: z.infer<typeof triggerSchema>,
  channels: string[],
  limits: AppLimits,
  where: string,
): TriggerEvent {
  if (raw.name.length > limits.maxEventNameLength) {
    throw invalid(`${where}event name is ${raw.name.length} characters, the limit is ${limits.maxEventNameLength}`);
  }
  if (channels.length === 0) throw invalid(`${where}the event needs "channels" (an array) or "channel"`);
  if (channels.length > limits.maxChannelsPerTrigger) {
    throw invalid(`${where}${channels.length} channels given, the limit is ${limits.maxChannelsPerTrigger} per event`);
  }
  for (const channel of channels) {
    const problem = channelNameProblem(channel);
    if (problem) throw invalid(`${where}channel "${channel.slice(0, 200)}": ${problem}`);
  }
  if (raw.socket_id !== undefined && !isValidSocketId(raw.socket_id)) {
    throw invalid(`${where}socket_id must look like 1234.5678`);
  }
  const data = typeof raw.data === 'string' ? raw.data : JSON.stringify(raw.data);
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > limits.maxPayloadBytes) {
    throw new HttpApiError(
      413,
      RelayErrorCode.PayloadTooLarge,
      `${where}event data is ${bytes} bytes, the limit is ${limits.maxPayloadBytes}`,
    );
  }
  const event: TriggerEvent = { name: raw.name, channels, data, info: raw.info ? raw.info.split(',') : [] };
  if (raw.socket_id !== undefined) event.socketId = raw.socket_id;
  return event;
}

/** Parses and checks `POST /apps/:id/events`. */
export function parseTrigger(body: unknown, limits: AppLimits): TriggerEvent {
  const raw = checked(triggerSchema, parseJson(body));
  const channels = raw.channels ?? (raw.channel !== undefined ? [raw.channel] : []);
  return toEvent(raw, channels, limits, '');
}

/** Parses and checks `POST /apps/:id/batch_events`. */
export function parseBatch(body: unknown, limits: AppLimits): TriggerEvent[] {
  const { batch } = checked(batchSchema, parseJson(body));
  if (batch.length === 0) throw invalid('the batch is empty');
  if (batch.length > limits.maxBatchSize) {
    throw invalid(`the batch has ${batch.length} events, the limit is ${limits.maxBatchSize}`);
  }
  return batch.map((raw, index) => toEvent(raw, [raw.channel], limits, `batch[${index}]: `));
}
