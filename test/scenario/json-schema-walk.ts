// A small structural JSON Schema checker for the tests (no new dependency):
// type, const/enum, required, properties/additionalProperties, propertyNames
// pattern, items, anyOf/oneOf/allOf, $ref into $defs, integer bounds.
type Json = Record<string, unknown>;

function typeOk(type: unknown, v: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'bigint' || Number.isInteger(v);
    case 'number':
      return typeof v === 'bigint' || typeof v === 'number';
    default:
      return false;
  }
}

/** Problems of `v` against `schema` (empty when it validates), as `path: what`. */
export function validate(root: Json, schema: Json, v: unknown, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    return validate(root, (root.$defs as Record<string, Json>)[name], v, path);
  }
  const errs: string[] = [];
  if (!typeOk(schema.type, v)) return [`${path}: not ${String(schema.type)}`];
  if ('const' in schema && schema.const !== (typeof v === 'bigint' ? Number(v) : v))
    errs.push(`${path}: not const`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) errs.push(`${path}: not in enum`);
  if (
    typeof schema.minimum === 'number' &&
    (typeof v === 'bigint' || typeof v === 'number') &&
    v < schema.minimum
  )
    errs.push(`${path}: below minimum`);
  if (
    typeof schema.maximum === 'number' &&
    (typeof v === 'bigint' || typeof v === 'number') &&
    v > schema.maximum
  )
    errs.push(`${path}: above maximum`);
  if (typeof schema.pattern === 'string' && typeof v === 'string' && !new RegExp(schema.pattern).test(v))
    errs.push(`${path}: pattern`);
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = schema[k] as Json[] | undefined;
    if (alts === undefined) continue;
    const passing = alts.filter((s) => validate(root, s, v, path).length === 0).length;
    if (k === 'anyOf' ? passing === 0 : passing !== 1) errs.push(`${path}: ${k} matched ${passing}`);
  }
  for (const s of (schema.allOf as Json[] | undefined) ?? []) errs.push(...validate(root, s, v, path));
  if (Array.isArray(v) && schema.items) {
    for (const [i, item] of v.entries())
      errs.push(...validate(root, schema.items as Json, item, `${path}[${i}]`));
  }
  if (typeOk('object', v)) {
    const obj = v as Json;
    for (const r of (schema.required as string[] | undefined) ?? [])
      if (!(r in obj)) errs.push(`${path}: missing ${r}`);
    const props = (schema.properties as Record<string, Json> | undefined) ?? {};
    for (const [k, item] of Object.entries(obj)) {
      if (schema.propertyNames)
        errs.push(...validate(root, schema.propertyNames as Json, k, `${path}.${k}(key)`));
      if (k in props) errs.push(...validate(root, props[k], item, `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${path}: unknown key ${k}`);
      else if (typeof schema.additionalProperties === 'object')
        errs.push(...validate(root, schema.additionalProperties as Json, item, `${path}.${k}`));
    }
  }
  return errs;
}
