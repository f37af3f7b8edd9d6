/** API key administration (admin): issue a key bound to an actor and a role, list keys, revoke. */
import { roles, type ApiKeyRecord } from '../../core/ports/store.js';
import { can } from '../access.js';
import { generateKey } from '../api-keys.js';
import type { ServerDeps } from '../deps.js';
import type { RoutePlugin } from '../type-provider.js';
import { sendError } from '../errors.js';

const keySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'actor', 'role', 'label', 'createdAt'],
  properties: {
    id: { type: 'string' },
    actor: { type: 'string' },
    role: { type: 'string', enum: [...roles] },
    label: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export function publicKey(k: ApiKeyRecord) {
  const out: Record<string, string> = {
    id: k.id,
    actor: k.actor,
    role: k.role,
    label: k.label,
    createdAt: new Date(k.createdAt).toISOString(),
  };
  if (k.revokedAt !== undefined) out['revokedAt'] = new Date(k.revokedAt).toISOString();
  return out;
}

export const apiKeyRoutes: RoutePlugin<ServerDeps> = async (app, { store, operations }) => {
  const actors = Object.keys(operations.model.pkg.actors);

  app.get(
    '/v1/apikeys',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Every API key (never the key text)',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: keySchema } },
          },
        },
      },
    },
    async () => ({ items: (await store.listApiKeys()).map(publicKey) }),
  );

  app.post(
    '/v1/apikeys',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Issue a key; the key text is in this answer only',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['actor', 'role'],
          properties: {
            actor: {
              type: 'string',
              enum: ['*', ...actors],
              description: 'The package actor the key acts for; * for none (operators, analysts)',
            },
            role: { type: 'string', enum: [...roles] },
            label: { type: 'string', maxLength: 200, default: '' },
          },
        },
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            required: ['key', ...keySchema.required],
            properties: {
              key: { type: 'string', description: 'The key text, shown this once: gk_<id>_<secret>' },
              ...keySchema.properties,
            },
          },
          400: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { key, record } = generateKey(body.actor, body.role, body.label ?? '', operations.clock.now());
      await store.createApiKey(record);
      return reply.code(201).send({ key, ...publicKey(record) });
    },
  );

  app.delete(
    '/v1/apikeys/:id',
    {
      config: { access: can.administer },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key; it stops working at once',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } }, required: ['id'] },
        response: {
          200: keySchema,
          404: { $ref: 'Error#' },
          409: { description: 'The key was already revoked', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const revoked = await store.revokeApiKey(id, operations.clock.now());
      const k = await store.getApiKey(id);
      if (!k) return sendError(reply, 404, { error: 'not-found', message: `no API key ${id}` });
      if (!revoked)
        return sendError(reply, 409, { error: 'already-revoked', message: `API key ${id} was already revoked` });
      return publicKey(k);
    },
  );
};
