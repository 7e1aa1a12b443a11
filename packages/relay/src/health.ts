import type { FastifyInstance } from 'fastify';
import type { RelayCoreImpl } from './relay-core.js';

/** `GET /health`: the process is up. `GET /ready`: it accepts connections (503 while shutting down). */
export function registerHealthRoutes(fastify: FastifyInstance, core: RelayCoreImpl): void {
  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/ready', async (_request, reply) => {
    if (core.closing) return reply.status(503).send({ status: 'closing' });
    return { status: 'ready', connections: core.connections.size };
  });
}
