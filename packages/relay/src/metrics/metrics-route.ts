import type { FastifyInstance } from 'fastify';
import type { RelayMetrics } from './relay-metrics.js';

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(fastify: FastifyInstance, metrics: RelayMetrics): void {
  fastify.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
