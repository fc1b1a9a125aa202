import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../../core/common/schemas.js';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain .mjs script without types
import { generate, OUTPUT } from '../../../scripts/gen-types.mjs';

function missingDocs(node: unknown, at: string, out: string[]): void {
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const key of ['properties', 'patternProperties'] as const) {
    const props = schema[key] as Record<string, Record<string, unknown>> | undefined;
    if (!props) continue;
    for (const [name, prop] of Object.entries(props)) {
      if (typeof prop.title !== 'string' || typeof prop.description !== 'string') out.push(`${at}.${name}`);
      missingDocs(prop, `${at}.${name}`, out);
    }
  }
  if (schema.items) missingDocs(schema.items, `${at}[]`, out);
}

describe('JSON Schemas', () => {
  it.each(Object.entries(SCHEMAS))('%s: draft 2020-12, an https $id, a title and description on every property', (_kind, schema) => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(String(schema.$id)).toMatch(/^https:\/\//);
    expect(typeof schema.title).toBe('string');
    const missing: string[] = [];
    missingDocs(schema, '', missing);
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(SCHEMAS))('%s: valid against the 2020-12 meta-schema (the app compiles it without checking)', (_kind, schema) => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    ajv.addVocabulary(['patternErrorMessage']);
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('the TypeScript model is generated from the schemas and up to date (run npm run gen:types)', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await generate());
  });
});
