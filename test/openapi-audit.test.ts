/**
 * What a client generated from the OpenAPI document can rely on (issue 27): every JSON success response lists its
 * required fields and names every field of every record, and a server running a package lists that package's source
 * and actor ids where a request must name one.
 */
import { describe, expect, it } from 'vitest';
import { loadPackageFile } from '../src/package-files.js';
import { schemaAudit } from '../scripts/openapi.js';
import { clientDocument } from '../scripts/gen-client.js';
import { examplePackage, testServer } from './support/app.js';

type Doc = Parameters<typeof schemaAudit>[0];
type Item = { properties: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }> };

async function served(pkg = examplePackage): Promise<Doc> {
  const s = await testServer({ package: pkg });
  try {
    await s.app.ready();
    return s.app.swagger() as unknown as Doc;
  } finally {
    await s.close();
  }
}

/** The item schema of `POST /v1/observations`' body. */
function observationItem(doc: Doc): Item {
  const paths = doc['paths'] as Record<string, Record<string, Record<string, unknown>>>;
  const body = paths['/v1/observations']!['post']!['requestBody'] as {
    content: Record<string, { schema: { items: Item } }>;
  };
  return body.content['application/json']!.schema.items;
}

describe('the response schemas', () => {
  it('list required fields in every JSON success response, and name every field of every record', async () => {
    const a = schemaAudit(await served());
    expect(a.responses.length).toBeGreaterThan(60);
    expect(a.withoutRequired).toEqual([]);
    expect(a.open).toEqual([]);
    // The one free-form object by design: the record behind a sealed log entry, whose fields are its kind's; the
    // client checks it against the entry's commitment (docs/tlog.md).
    expect(a.opaque).toEqual([{ response: 'GET /v1/log/contents 200', at: '.contents[].record{*}' }]);
  });

  it('counts what it should: a response without required fields and a free-form record are reported', () => {
    const doc = {
      paths: {
        '/a': {
          get: {
            responses: {
              200: {
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { x: { $ref: '#/components/schemas/Loose' } } },
                  },
                },
              },
            },
          },
        },
      },
      components: { schemas: { Loose: { type: 'object', additionalProperties: true } } },
    };
    expect(schemaAudit(doc)).toEqual({
      responses: ['GET /a 200'],
      withoutRequired: ['GET /a 200'],
      opaque: [{ response: 'GET /a 200', at: '.x' }],
      open: ['GET /a 200'],
    });
  });
});

describe("the package's values in the served document", () => {
  it("lists the running package's source ids and actor ids as enums on the observation input", async () => {
    for (const file of ['examples/ukraine-2026.yaml', 'examples/replay/ukraine-2015-minsk-replay.yaml']) {
      const pkg = loadPackageFile(file);
      const item = observationItem(await served(pkg));
      expect(item.properties['source']!.enum, file).toEqual(Object.keys(pkg.model!.verification));
      expect(item.properties['attribution']!.properties!['party']!.enum, file).toEqual(Object.keys(pkg.model!.actors));
    }
  });

  it('keeps them plain strings in the document the CLI client is generated from (it talks to any package)', async () => {
    const item = observationItem((await clientDocument()) as unknown as Doc);
    expect(item.properties['source']!.enum).toBeUndefined();
    expect(item.properties['attribution']!.properties!['party']!.enum).toBeUndefined();
  });

  it('refuses a source or a party the package does not know, naming the item and the field', async () => {
    const s = await testServer();
    try {
      const item = {
        source: 'patrol',
        sourceId: 'x-1',
        activity: 'artillery-fire',
        time: '2026-06-30T10:00:00Z',
        location: { lon: 37.6, lat: 48.1 },
        confidence: 0.9,
      };
      const post = (body: object[]) =>
        s.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: { authorization: s.auth.monitor },
          payload: body,
        });
      const bad = await post([item, { ...item, sourceId: 'x-2', source: 'nobody' }]);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().problems).toEqual([{ index: 1, path: 'source', reason: expect.stringContaining('nobody') }]);
      const party = await post([{ ...item, attribution: { party: 'XX', basis: 'observed' } }]);
      expect(party.statusCode).toBe(400);
      expect(party.json().problems).toEqual([{ index: 0, path: 'attribution.party', reason: expect.any(String) }]);
      expect((await post([item])).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});
