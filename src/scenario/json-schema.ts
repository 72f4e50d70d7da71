// The published JSON Schema, generated from the zod schema (one source of
// truth). Our integer parsers are zod transforms that JSON Schema cannot
// describe, so values.ts attaches a fragment to each ("integer or 0x-hex
// string" for 64-bit values); the host event gets its "exactly one trigger,
// exactly one action" rule the same way. schema/scenario.schema.json is this
// function's output (scripts/gen-schema.ts; a test keeps it in step).

import * as z from 'zod';
import { DEFAULT_MACHINE, scenarioSchemas } from './schema.ts';
import { jsonOverrideOf } from './values.ts';

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every fixed-key object is closed (zod's strict objects already are; this is a guarantee). */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) closeObjects(item);
    return;
  }
  if (!isJson(node)) return;
  if (node.type === 'object' && isJson(node.properties) && node.additionalProperties === undefined) {
    node.additionalProperties = false;
  }
  for (const v of Object.values(node)) closeObjects(v);
}

export function scenarioJsonSchema(): Json {
  const generated = z.toJSONSchema(scenarioSchemas().scenarioSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    override: (ctx) => {
      const fragment = jsonOverrideOf(ctx.zodSchema);
      if (fragment !== undefined) Object.assign(ctx.jsonSchema, structuredClone(fragment));
    },
  }) as Json;
  closeObjects(generated);
  const machine = (generated.properties as Json | undefined)?.machine;
  if (isJson(machine) && isJson(machine.properties)) {
    for (const [k, dflt] of Object.entries(DEFAULT_MACHINE)) {
      const prop = machine.properties[k];
      if (isJson(prop)) prop.default = structuredClone(dflt);
    }
  }
  return {
    $schema: generated.$schema,
    $id: 'https://vgicsim.invalid/schema/scenario.schema.json',
    title: 'vgicsim scenario, format version 1',
    ...generated,
  };
}
