/**
 * Reads the schema at a path of the data: which fields an object there may hold (for "did you mean").
 * Walks Zod's definitions, choosing the branch of a discriminated union by the data's `kind`.
 */
import type { z } from 'zod';

type AnySchema = z.ZodType;

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  values?: unknown[];
  keyType?: AnySchema;
  entries?: Record<string, unknown>;
}

const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (
      (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault') &&
      d.innerType
    )
      cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
}

function chooseOption(options: AnySchema[], data: unknown): AnySchema | undefined {
  const objects = options.map(unwrap).filter((o) => defOf(o).type === 'object');
  if (objects.length === 0) return undefined;
  const kind = data && typeof data === 'object' ? (data as Record<string, unknown>)['kind'] : undefined;
  for (const o of objects) {
    const k = defOf(o).shape?.['kind'];
    if (k && kind !== undefined && defOf(unwrap(k)).values?.includes(kind)) return o;
  }
  return objects.length === 1 ? objects[0] : undefined;
}

/** The field names allowed in the object at `path`, or undefined when the schema there is not one object. */
export function fieldsAt(root: AnySchema, path: readonly (string | number)[], data: unknown): string[] | undefined {
  let s: AnySchema | undefined = unwrap(root);
  let d: unknown = data;
  for (const seg of path) {
    if (!s) return undefined;
    let def = defOf(s);
    if (def.type === 'union' && def.options) {
      s = chooseOption(def.options, d);
      if (!s) return undefined;
      def = defOf(s);
    }
    if (def.type === 'object' && def.shape) s = def.shape[String(seg)];
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'array') s = def.element;
    else return undefined;
    d = d && typeof d === 'object' ? (d as Record<string | number, unknown>)[seg] : undefined;
    s = s ? unwrap(s) : undefined;
  }
  if (!s) return undefined;
  let def = defOf(s);
  if (def.type === 'union' && def.options) {
    const o = chooseOption(def.options, d);
    if (!o) return undefined;
    def = defOf(o);
  }
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  if (def.type === 'record' && def.keyType) {
    const k = defOf(unwrap(def.keyType));
    if (k.entries) return Object.keys(k.entries);
  }
  return undefined;
}
