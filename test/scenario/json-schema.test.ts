import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderSchema, SCHEMA_PATH } from '../../scripts/gen-schema.ts';
import { scenarioJsonSchema } from '../../src/scenario/index.ts';
import { parseYamlTree } from '../../src/scenario/yaml-tree.ts';
import { validate } from './json-schema-walk.ts';

type Json = Record<string, unknown>;
const EXAMPLE = new URL('./fixtures/full-example.yaml', import.meta.url);

test('the committed schema/scenario.schema.json is the generated one (run `npx tsx scripts/gen-schema.ts`)', () => {
  assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderSchema());
});

test('the SCENARIOS.md example validates structurally against the JSON Schema', () => {
  const schema = scenarioJsonSchema();
  const data = parseYamlTree(readFileSync(EXAMPLE, 'utf8'), 'x').data;
  assert.deepEqual(validate(schema, schema, data), []);
});

test('the structural check can fail: unknown keys, missing keys, two actions, wrong types', () => {
  const schema = scenarioJsonSchema();
  const data = parseYamlTree(
    'version: 1\nmachine: { polcy: level, vcpus: 124 }\nhost: [{ at: 1, exit: host, saveRestore: true }]\n',
    'x',
  ).data;
  assert.deepEqual(validate(schema, schema, data), [
    '$: missing guest',
    '$.machine: unknown key polcy',
    '$.machine.vcpus: above maximum',
    '$.host[0]: oneOf matched 2',
  ]);
});

function* schemaNodes(node: unknown, path: string): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* schemaNodes(n, `${path}[${i}]`);
  } else if (typeof node === 'object' && node !== null) {
    yield [path, node as Json];
    for (const [k, v] of Object.entries(node)) yield* schemaNodes(v, `${path}/${k}`);
  }
}

test('every fixed-key object is closed and every property is described', () => {
  const schema = scenarioJsonSchema();
  const defs = schema.$defs as Record<string, Json>;
  let properties = 0;
  for (const [path, node] of schemaNodes(schema, '#')) {
    if (node.type === 'object' && node.properties !== undefined)
      assert.equal(node.additionalProperties, false, `${path} is not closed`);
    if (node.type !== 'object' || typeof node.properties !== 'object') continue;
    for (const [k, p] of Object.entries(node.properties as Record<string, Json>)) {
      properties++;
      const target = typeof p.$ref === 'string' ? defs[p.$ref.replace('#/$defs/', '')] : p;
      assert.ok(
        typeof (p.description ?? target.description) === 'string',
        `${path}/properties/${k} has no description`,
      );
    }
  }
  assert.ok(properties > 60, `walked only ${properties} properties`);
});

test('64-bit values are published as "integer or 0x-hex string"', () => {
  const schema = scenarioJsonSchema() as { $defs: Record<string, Json> };
  const x0 = (schema.$defs.registersOfVcpu.properties as Record<string, Json>).x0;
  assert.match(String(x0.description), /integer or 0x-hex string/);
  const alts = x0.anyOf as Json[];
  assert.deepEqual(
    alts.map((a) => a.type),
    ['integer', 'string'],
  );
  const pattern = new RegExp(String(alts[1].pattern));
  for (const ok of ['0xffffffffffffffff', '-1', '18446744073709551615', '0x4000_0000'])
    assert.match(ok, pattern);
  for (const bad of ['0x', '1.5', 'ten', '_1']) assert.doesNotMatch(bad, pattern);
});
