// Writes schema/package.schema.json from the package schema (src/core/spec/schema.ts), the one source of truth.
import { writeFileSync } from 'node:fs';
import { packageJsonSchema } from '../src/core/spec/schema.js';

export const schemaPath = 'schema/package.schema.json';
export const schemaText = () => JSON.stringify(packageJsonSchema(), null, 2) + '\n';

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(schemaPath, schemaText());
  console.log(`wrote ${schemaPath}`);
}
