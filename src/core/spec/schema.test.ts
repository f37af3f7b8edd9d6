import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageJsonSchema } from './schema.js';

describe('published JSON Schema', () => {
  it('schema/package.schema.json is current (regenerate with `npm run schema`)', () => {
    const published = JSON.parse(readFileSync('schema/package.schema.json', 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(packageJsonSchema())));
  });

  it('lets an editor complete the sections and the vocabularies', () => {
    const s = packageJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(s.properties)).toEqual(
      expect.arrayContaining([
        'actors',
        'zones',
        'prohibitions',
        'verification',
        'triggers',
        'judgment',
        'responses',
        'sustainment',
        'assumptions',
      ]),
    );
    expect(s.required).toEqual(expect.arrayContaining(['package', 'title', 'effective', 'horizon', 'actors']));
    expect(s.additionalProperties).toBe(false);
    const text = JSON.stringify(s);
    expect(text).toContain('"artillery-fire"');
    expect(text).toContain('"reverse-consensus"');
    expect(text).toContain('"pattern"');
  });
});
