import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request: "request completed" (or "request errored") carries the request's
 * method, URL and address beside the status and time; "incoming request" is logged at debug only.
 * Fastify's two info lines per request were ~5 % of the enqueue path's CPU profile (issue 9; the
 * bench's CPU per request did not show the saving beyond its noise). A request
 * that never completes still shows: Fastify answers every request (requestTimeout) or logs its
 * abort.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    // Below the debug level pino's debug is a no-op: this costs one small object.
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
