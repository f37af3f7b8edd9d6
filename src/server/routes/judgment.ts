/**
 * Judgment and responses over HTTP: cases with their running clocks, the tally, signed votes, the ballot a member
 * signs, response tasks (acknowledged and delivered by their own actor only), response failures, a case's full
 * timeline as JSON or Markdown, and members' public keys. Timers fire in the background every `tickMs` and, before
 * any of these routes answers, whatever fell due is fired first.
 */
import type { RoutePlugin } from '../type-provider.js';
import type { FastifyReply } from 'fastify';
import { renderCaseTimelineMarkdown, type EvidenceEntry } from '../../core/ops/index.js';
import { taskId } from '../../core/ops/index.js';
import { parseMemberKey } from '../../core/ops/index.js';
import { actorRolesOf, can, notActingFor, type Principal, principalOf } from '../access.js';
import { caseworkFor, type CaseworkService } from '../casework.js';
import type { ServerDeps } from '../deps.js';
import { passGate } from '../standby.js';
import { statusOf } from '../error-codes.js';
import { sendError } from '../errors.js';
import { textBody } from '../openapi.js';
import { createPublicKey } from 'node:crypto';
import { caseSorts } from '../../core/ports/casework.js';
import { storeFilter, text } from '../list-query.js';

const ref = <N extends string>(name: N) => ({ $ref: `${name}#` }) as const;
/** `{ items: [...] }`, closed. */
const itemsOf = (item: unknown) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: { items: { type: 'array', items: item } },
  }) as const;
const memberKeyChange = {
  type: 'object',
  additionalProperties: false,
  required: ['member', 'fingerprint', 'added', 'revoked'],
  properties: {
    member: { type: 'string' },
    fingerprint: { type: 'string' },
    added: { type: 'boolean', description: 'false: the member already held exactly this key (a retry)' },
    revoked: {
      type: 'array',
      items: { type: 'string' },
      description: 'Fingerprints of the keys this rotation revoked',
    },
  },
} as const;
const caseParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 } },
  required: ['id'],
} as const;
const taskParams = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    index: { type: 'integer', minimum: 0 },
    actor: { type: 'string', maxLength: 100 },
  },
  required: ['id', 'index', 'actor'],
} as const;

/** How often the background pass fires due timers (ms). */
export const tickMs = 1000;

const who = (p: Principal | null): string => p?.actor ?? '';

const publicPem = (stored: string): string => {
  try {
    return createPublicKey(stored).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return '';
  }
};

export const judgmentRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const cw: CaseworkService = caseworkFor(deps.store, deps.operations.model.pkg, deps.operations.clock);
  const actorRoles = actorRolesOf(deps.operations.model.pkg);
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // Before any timer fires: the timers table is rebuilt from the log (docs/operations/judgment.md).
    const r = await cw.restore();
    if (r.repaired || r.removed)
      app.log.warn({ restore: r }, 'timers rebuilt from the log: the table did not match what the log scheduled');
    else if (r.backfilled) app.log.info({ restore: r }, 'records stored before they were logged are now logged');
    const due = passGate(deps.ingestRouting); // the ingest owner's pass covers a standby server's (standby.ts)
    timer = setInterval(() => {
      if (due()) cw.catchUp().catch((err: unknown) => app.log.error({ err }, 'timer pass failed'));
    }, tickMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await cw.catchUp().catch(() => undefined);
  });

  const notFound = (reply: FastifyReply, id: string) =>
    sendError(reply, 404, { error: 'not-found', message: `no case ${id}` });

  app.get(
    '/v1/judgment',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['judgment'],
        summary:
          'Cases with their judgment clocks, time left and the tally, each with the case as opened; sorted, filtered and paged (docs/dashboard.md)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sort: {
              type: 'string',
              enum: [...caseSorts],
              default: 'deadline',
              description:
                "severity: most severe first (the package's severities, last listed is most severe), open before decided, then soonest deadline (decided: latest decision); deadline: the same without severity; newest: latest opened first",
            },
            status: { type: 'string', enum: ['open', 'decided'] },
            trigger: text('A trigger id'),
            severity: text('A severity of the package'),
            party: text('An actor id, or undetermined'),
            region: text('A region code: cases with evidence located there'),
            from: { type: 'string', format: 'date-time', description: 'Opened at or after this time (ISO 8601)' },
            to: { type: 'string', format: 'date-time', description: 'Opened before this time (ISO 8601)' },
            q: { type: 'string', minLength: 1, maxLength: 100, description: 'Part of a case id' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', maxLength: 400, description: 'The `next` of the previous page, unchanged' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['time', 'items', 'total'],
            properties: {
              time: { type: 'integer' },
              items: { type: 'array', items: ref('CaseBoardItem') },
              total: { type: 'integer', description: 'Cases matching the filters, on every page' },
              next: { type: 'string', description: 'Cursor of the next page; absent on the last' },
            },
          },
        },
      },
    },
    async (request) => {
      const { q: search, from, to, ...rest } = request.query;
      const range = storeFilter<{ from?: number; to?: number }>({ from, to });
      return {
        time: deps.operations.clock.now(),
        ...(await cw.board({
          ...rest,
          ...(range.from === undefined ? {} : { from: range.from }),
          ...(range.to === undefined ? {} : { to: range.to }),
          ...(search ? { search } : {}),
        })),
      };
    },
  );

  app.get(
    '/v1/cases/:id/judgment',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['judgment'],
        summary: 'The tally, who voted what and when, who has not, time left, the outcome',
        params: caseParams,
        response: { 200: ref('Judgment'), 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return (await cw.view(id)) ?? notFound(reply, id);
    },
  );

  app.get(
    '/v1/cases/:id/ballot',
    {
      config: { access: ['member'] },
      schema: {
        tags: ['judgment'],
        summary: 'The fields a member signs for this case (package, version, case, member, server time)',
        params: caseParams,
        response: {
          200: {
            type: 'object',
            description:
              'Add choice, nonce and (optionally) reason, sign the canonical JSON (docs/operations/judgment.md)',
            additionalProperties: false,
            required: ['type', 'package', 'version', 'case', 'member', 'time'],
            properties: {
              type: { const: 'guarantor/vote/v1' },
              package: { type: 'string' },
              version: { type: 'string' },
              case: { type: 'string' },
              member: { type: 'string' },
              time: { type: 'string', format: 'date-time' },
            },
          },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const member = who(request.principal);
      if (!cw.voters.includes(member))
        return sendError(reply, 403, {
          error: 'vote-not-a-member',
          message: `this member key acts for ${member === '*' ? 'no actor' : member}, which is not a member of the judgment body`,
        });
      if (!(await cw.file(id))) return notFound(reply, id);
      return {
        type: 'guarantor/vote/v1',
        package: cw.plans.package,
        version: cw.plans.version,
        case: id,
        member,
        time: new Date(deps.operations.clock.now()).toISOString(),
      };
    },
  );

  app.post(
    '/v1/cases/:id/votes',
    {
      config: { access: ['member'] },
      schema: {
        tags: ['judgment'],
        summary: 'Cast a signed vote: {statement, signature}; see docs/operations/judgment.md',
        params: caseParams,
        body: {
          type: 'object',
          required: ['statement', 'signature'],
          properties: { statement: { type: 'string', maxLength: 8192 }, signature: { type: 'string', maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['ok', 'vote', 'judgment'],
            properties: { ok: { const: true }, vote: ref('Vote'), judgment: ref('Judgment') },
          },
          400: {
            description:
              'vote-malformed, vote-not-canonical, vote-wrong-package, vote-wrong-case, vote-stale: the statement is not one this case can take',
            $ref: 'Error#',
          },
          403: {
            description:
              'vote-unknown-member, vote-wrong-member, vote-bad-signature, vote-recused, vote-not-a-member: this member may not cast it',
            $ref: 'Error#',
          },
          404: { $ref: 'Error#' },
          409: {
            description:
              'vote-replayed (the nonce was used), vote-decided and other judgment rejections: the state does not take it',
            $ref: 'Error#',
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const r = await cw.vote(id, request.body, who(request.principal));
      if (!r.ok) {
        const code = r.code === 'not-found' ? 'not-found' : (`vote-${r.code}` as const);
        return sendError(reply, statusOf(code), { error: code, message: r.message });
      }
      return r;
    },
  );

  app.get(
    '/v1/cases/:id/tasks',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['responses'],
        summary: 'Response tasks of a case, in package order',
        params: caseParams,
        response: { 200: itemsOf(ref('Task')), 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const f = await cw.file(id);
      return f ? { items: f.tasks } : notFound(reply, id);
    },
  );

  const taskAction = (action: 'acknowledge' | 'deliver') =>
    app.post(
      `/v1/cases/:id/tasks/:index/:actor/${action}`,
      {
        config: { access: can.actOnTasks },
        schema: {
          tags: ['responses'],
          summary:
            action === 'acknowledge'
              ? 'Acknowledge a task (its own actor only)'
              : 'Report delivery with a note and evidence hashes (its own actor only)',
          params: taskParams,
          ...(action === 'deliver'
            ? {
                body: {
                  type: 'object',
                  required: ['note'],
                  additionalProperties: false,
                  properties: {
                    note: { type: 'string', maxLength: 4000 },
                    evidence: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 80 } },
                  },
                },
              }
            : {}),
          response: {
            200: ref('Task'),
            400: { description: 'task-bad-note, task-bad-evidence', $ref: 'Error#' },
            403: {
              description:
                "task-not-yours: the task belongs to another actor; role-not-for-actor: the key's role does not act for the task's actor",
              $ref: 'Error#',
            },
            404: { $ref: 'Error#' },
            409: { description: 'task-already-acknowledged, task-already-delivered', $ref: 'Error#' },
          },
        },
      },
      async (request, reply) => {
        const { id, index, actor } = request.params;
        const p = principalOf(request);
        // Another actor's task is task-not-yours (below); its own actor's, with a key of the wrong role, is refused here.
        const why = p.actor === actor ? notActingFor(p, actor, actorRoles) : undefined;
        if (why)
          return sendError(reply, 403, {
            error: 'role-not-for-actor',
            message: `a ${p.role} key may not ${action} ${actor}'s tasks: ${why}`,
          });
        const f = await cw.file(id);
        if (!f) return notFound(reply, id);
        const tid = taskId(id, f.severity, index, actor);
        const caller = who(request.principal);
        const r =
          action === 'acknowledge'
            ? await cw.acknowledge(id, tid, caller)
            : await cw.deliver(id, tid, caller, request.body as { note: string; evidence?: string[] }); // one handler for two routes: only deliver's schema has a body
        if (!r) return notFound(reply, id);
        if (r.ok) return r.task;
        const code = r.code === 'no-such-task' ? 'not-found' : (`task-${r.code}` as const);
        return sendError(reply, statusOf(code), { error: code, message: r.message });
      },
    );
  taskAction('acknowledge');
  taskAction('deliver');

  app.get(
    '/v1/response-failures',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['responses'],
        summary: 'Every response failure: a responsible actor that missed its deadline, in the order they happened',
        response: { 200: itemsOf(ref('ResponseFailure')) },
      },
    },
    async () => ({ items: await cw.failures() }),
  );

  const timeline = async (id: string) => {
    const c = await deps.store.getCase(id);
    const evidence: EvidenceEntry[] = (c?.evidence ?? []).map((e) => ({
      at: e.time,
      kind: 'violation',
      id: e.violation,
      summary: `${e.prohibition}: incident ${e.incident}, ${e.corroboration} independent operators, confidence ${e.confidence.toFixed(2)}, observations ${e.observations.map((o) => `${o.source}/${o.sourceId}`).join(', ')}`,
    }));
    return cw.timeline(id, evidence);
  };

  app.get(
    '/v1/cases/:id/timeline',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['judgment'],
        summary:
          'The case timeline as JSON: evidence, opening, votes, judgment, tasks, failures, what is still to come',
        params: caseParams,
        response: { 200: ref('Timeline'), 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return (await timeline(id)) ?? notFound(reply, id);
    },
  );

  app.get(
    '/v1/cases/:id/timeline.md',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['judgment'],
        summary: 'The case timeline as Markdown',
        params: caseParams,
        response: {
          200: textBody('text/markdown', 'The timeline (docs/operations/judgment.md)'),
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const t = await timeline(id);
      if (!t) return notFound(reply, id);
      return reply.type('text/markdown; charset=utf-8').send(renderCaseTimelineMarkdown(t));
    },
  );

  app.post(
    '/v1/members/:member/keys',
    {
      config: { access: can.administer },
      schema: {
        tags: ['judgment'],
        summary:
          "Register a member's Ed25519 public key (SPKI PEM from `guarantor keys new`, or 32 bytes in base64); one active key per member, `rotate: true` to replace it",
        params: { type: 'object', properties: { member: { type: 'string', maxLength: 100 } }, required: ['member'] },
        body: {
          type: 'object',
          required: ['publicKey'],
          additionalProperties: false,
          properties: {
            publicKey: { type: 'string', maxLength: 1000 },
            rotate: { type: 'boolean', default: false, description: "Revoke the member's active key in the same step" },
          },
        },
        response: {
          200: { ...memberKeyChange, description: 'The member already held exactly this key: nothing changed' },
          201: memberKeyChange,
          400: {
            description:
              'invalid-params: not a member of the judgment body; invalid-body: not an Ed25519 public key; private-key: a private key was sent (not stored)',
            $ref: 'Error#',
          },
          409: {
            description:
              'member-has-key: the member holds an active key (send rotate: true); member-key-taken: the key was registered before, for another member or revoked',
            $ref: 'Error#',
          },
        },
      },
    },
    async (request, reply) => {
      const { member } = request.params;
      const { publicKey, rotate = false } = request.body;
      if (!cw.voters.includes(member)) {
        return sendError(reply, 400, {
          error: 'invalid-params',
          message: `${JSON.stringify(member)} is not a member of the judgment body (members: ${cw.voters.join(', ') || 'none'})`,
          problems: [{ path: 'params.member', reason: 'is not a member of the judgment body' }],
        });
      }
      const parsed = parseMemberKey(publicKey);
      if (!parsed.ok) {
        // Never echo the text: it may be a private key.
        return parsed.private
          ? sendError(reply, 400, {
              error: 'private-key',
              message: `publicKey ${parsed.reason}`,
              problems: [{ path: 'body.publicKey', reason: parsed.reason }],
            })
          : sendError(reply, 400, {
              error: 'invalid-body',
              message: `publicKey ${parsed.reason}`,
              problems: [{ path: 'body.publicKey', reason: parsed.reason }],
            });
      }
      const { fingerprint } = parsed;
      const r = await cw.registerKey(
        { member, fingerprint, publicKey: parsed.pem, createdAt: deps.operations.clock.now() },
        rotate,
      );
      if (!r.ok)
        return r.reason === 'member-has-key'
          ? sendError(reply, 409, {
              error: 'member-has-key',
              message: `${member} already holds an active key (${r.active.fingerprint}); send rotate: true to replace it`,
              problems: [{ path: 'body.rotate', reason: 'must be true to replace the active key' }],
            })
          : sendError(reply, 409, {
              error: 'member-key-taken',
              message:
                r.holder.member === member
                  ? `this key was ${member}'s and was revoked; a revoked key is never registered again`
                  : `this key is registered for ${r.holder.member}; one key belongs to one member`,
              problems: [{ path: 'body.publicKey', reason: 'was registered before' }],
            });
      return reply
        .code(r.added ? 201 : 200)
        .send({ member, fingerprint, added: r.added, revoked: r.revoked.map((k) => k.fingerprint) });
    },
  );

  app.delete(
    '/v1/members/:member/keys/:fingerprint',
    {
      config: { access: can.administer },
      schema: {
        tags: ['judgment'],
        summary:
          "Revoke a member's key (lost or compromised): votes no longer verify under it, and it is never registered again",
        params: {
          type: 'object',
          properties: {
            member: { type: 'string', maxLength: 100 },
            fingerprint: { type: 'string', maxLength: 100 },
          },
          required: ['member', 'fingerprint'],
        },
        response: {
          200: ref('MemberKey'),
          404: { $ref: 'Error#' },
          409: { description: 'already-revoked: the key was revoked before', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { member, fingerprint } = request.params;
      const r = await cw.store.revokeMemberKey(member, fingerprint, deps.operations.clock.now());
      if (r === undefined)
        return sendError(reply, 404, { error: 'not-found', message: `${member} holds no key ${fingerprint}` });
      if (r === 'already')
        return sendError(reply, 409, {
          error: 'already-revoked',
          message: `${member}'s key ${fingerprint} was already revoked`,
        });
      return { ...r, publicKey: publicPem(r.publicKey) };
    },
  );

  app.get(
    '/v1/members/keys',
    {
      config: { access: can.readCases },
      schema: {
        tags: ['judgment'],
        summary: 'Registered member public keys',
        response: { 200: itemsOf(ref('MemberKey')) },
      },
    },
    // Re-exported from the stored key, so that a private key an older server stored is never shown.
    async () => ({
      items: (await cw.store.listMemberKeys()).map((k) => ({ ...k, publicKey: publicPem(k.publicKey) })),
    }),
  );
};
