/**
 * The server's clock: `GET /v1/clock` reads it; on a replay server (`serve --clock event`) `POST /v1/clock` moves
 * it forward to the replayed events' time, then fires every timer that fell due (judgment deadlines, response
 * tasks), so a replay of history decides and escalates when it would have. A live server refuses the move: its
 * clock is the system's, and no client may set it.
 */
import type { RoutePlugin } from '../type-provider.js';
import { can } from '../access.js';
import { caseworkFor } from '../casework.js';
import type { ServerDeps } from '../deps.js';
import { sendError } from '../errors.js';

const clockAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['time', 'mode'],
  properties: {
    time: { type: 'string', format: 'date-time' },
    mode: { type: 'string', enum: ['live', 'event'] },
    moved: { type: 'boolean', description: 'POST only: whether the clock moved' },
    fired: { type: 'integer', description: 'POST only: timers fired by this move' },
  },
} as const;

export const clockRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const { operations } = deps;
  const mode = () => (operations.eventClock ? 'event' : 'live');

  app.get(
    '/v1/clock',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: "The server's clock and whether it is live or driven by replayed events",
        response: { 200: clockAnswer },
      },
    },
    async () => ({
      time: new Date(operations.clock.now()).toISOString(),
      mode: mode(),
    }),
  );

  app.post(
    '/v1/clock',
    {
      config: { access: can.submit },
      schema: {
        tags: ['observations'],
        summary:
          'Replay servers only: move the clock forward to the replayed events (never back), then fire the timers that fell due',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['time'],
          properties: { time: { type: 'string', maxLength: 40 } },
        },
        response: {
          200: { ...clockAnswer, required: ['time', 'mode', 'moved', 'fired'] },
          400: { $ref: 'Error#' },
          409: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const clock = operations.eventClock;
      if (!clock)
        return sendError(reply, 409, {
          error: 'live-clock',
          message:
            'this server runs the live clock; only a replay server (`guarantor serve --clock event`) lets the events move it',
        });
      const text = request.body.time;
      const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
        ? Date.parse(text)
        : NaN;
      if (!Number.isFinite(t))
        return sendError(reply, 400, {
          error: 'invalid-time',
          message: `time: "${text.slice(0, 40)}" is not an ISO 8601 time with Z or an offset`,
        });
      // Forward only: a replay sent twice, or an older file after a newer one, leaves the clock where it is.
      const moved = t > clock.now();
      if (moved) clock.set(t);
      const fired = await caseworkFor(deps.store, operations.model.pkg, operations.clock).catchUp();
      return { time: new Date(clock.now()).toISOString(), mode: 'event', moved, fired: fired.length };
    },
  );
};
