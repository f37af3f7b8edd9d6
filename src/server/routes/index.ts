/** Every route plugin, one per resource; `buildApp` registers them in this order. Add one line per new resource. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { apiKeyRoutes } from './api-keys.js';
import { caseRoutes } from './cases.js';
import { clockRoutes } from './clock.js'; // the server's clock; a replay server's moves with the events (docs/operations/replay.md)
import { dashboardRoutes } from './dashboard.js'; // the web dashboard and its read-only endpoints (docs/dashboard.md)
import { healthRoutes } from './health.js';
import { incidentRoutes } from './incidents.js';
import { inspectionRoutes } from './inspections.js'; // inspections on a party's request, as tasks (docs/operations/responses.md)
import { judgmentRoutes } from './judgment.js';
import { ledgerRoutes } from './ledger.js'; // the sustainment ledger: pledges, deliveries, coverage, decay alerts (docs/operations/ledger.md)
import { logRoutes } from './log.js'; // the transparency log: checkpoints, proofs, entries, witnesses (docs/tlog.md)
import { logContentRoutes } from './log-contents.js'; // the records behind sealed entries, to who may read them (docs/tlog.md)
import { observationRoutes } from './observations.js';
import { publicRoutes } from './public.js'; // status, CAP, the live feed, crossings, webhooks (docs/operations/public.md)
import { reportRoutes } from './reports.js'; // the daily report (docs/operations/report.md)
import { violationRoutes } from './violations.js';

export const routePlugins: FastifyPluginAsync<ServerDeps>[] = [
  healthRoutes,
  observationRoutes,
  incidentRoutes,
  violationRoutes,
  caseRoutes,
  judgmentRoutes,
  inspectionRoutes,
  apiKeyRoutes,
  dashboardRoutes,
  logRoutes,
  logContentRoutes,
  reportRoutes,
  ledgerRoutes,
  publicRoutes,
  clockRoutes,
];
