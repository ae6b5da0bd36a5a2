// Schema validation with ajv, turning its errors into located problems with hints.
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { locate, pointerSegments, type Located, type MergeRule, toPlain } from './located.ts';
import { suggestion, type ProblemList } from './problems.ts';
import { loadCompiled, newAjv } from './schema-code.ts';

export type JsonSchema = { [key: string]: unknown };

export interface CompiledSchema {
  schema: JsonSchema;
  validate: ValidateFunction;
  /** The merge rule `extends` applies to the list at this path (from `x-merge`). */
  ruleAt(path: readonly string[]): MergeRule;
}

let ajv: ReturnType<typeof newAjv> | undefined;

/** The schema's validator: the committed standalone one when current, else compiled now. */
export function compileSchema(path: string): CompiledSchema {
  const text = readFileSync(path, 'utf8');
  const schema = JSON.parse(text) as JsonSchema;
  ajv ??= newAjv({ source: false });
  const validate = loadCompiled(path, text) ?? ajv.getSchema(String(schema.$id)) ?? ajv.compile(schema);
  return { schema, validate, ruleAt: (p) => (subschema(schema, p)?.['x-merge'] === 'append' ? 'append' : 'replace') };
}

/** The schema that describes the value at `path`, following properties, items and local $refs. */
export function subschema(root: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = deref(root, root);
  for (const segment of path) {
    if (!node) return undefined;
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    let next: JsonSchema | undefined;
    if (properties && segment in properties) next = properties[segment];
    else if (/^\d+$/.test(segment) && typeof node.items === 'object') next = node.items as JsonSchema;
    else if (typeof node.additionalProperties === 'object') next = node.additionalProperties as JsonSchema;
    node = next && deref(root, next);
  }
  return node;
}

function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = root;
  for (const segment of pointerSegments(ref.slice(1))) target = (target as Record<string, unknown>)[segment];
  return { ...(target as JsonSchema), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) };
}

/**
 * Validates `document` and reports each error where it was written. `partial` drops the
 * top-level `required` errors, for files that others extend and need not stand alone.
 */
export function validateLocated(
  compiled: CompiledSchema,
  document: Located,
  problems: ProblemList,
  partial = false,
): boolean {
  if (compiled.validate(toPlain(document))) return true;
  let reported = false;
  for (const error of simplify(compiled.validate.errors ?? [])) {
    if (partial && error.keyword === 'required' && error.instancePath === '') continue;
    const { at, message, hint } = explain(error);
    problems.add(locate(document, error.instancePath, at), message, hint);
    reported = true;
  }
  return !reported;
}

/**
 * ajv reports `enum` and `const` alongside a failing `type`; the type is the real problem. A
 * bad key gives its own error (carrying `propertyName`) and a vague `propertyNames` one.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  return dropOtherBranches(errors).filter(
    (e, _i, kept) =>
      !(kept.some((t) => t.keyword === 'type' && t.instancePath === e.instancePath) && e.keyword !== 'type') &&
      e.keyword !== 'propertyNames',
  );
}

/**
 * A value that one of a oneOf's branches takes by its type (an object where a string or an
 * object is allowed) is told that branch's problems, not that it is not the other's type.
 */
function dropOtherBranches(errors: ErrorObject[]): ErrorObject[] {
  const branch = (e: ErrorObject) => /^(.*\/oneOf)\/(\d+)\//.exec(e.schemaPath);
  return errors.filter((e) => {
    if (e.keyword === 'oneOf') return !errors.some((o) => o !== e && o.instancePath === e.instancePath);
    const own = branch(e);
    if (e.keyword !== 'type' || !own) return true;
    return !errors.some((o) => {
      const other = branch(o);
      if (o.keyword === 'type' || other === null || !o.instancePath.startsWith(e.instancePath)) return false;
      return other[1] === own[1] && other[2] !== own[2];
    });
  });
}

function explain(error: ErrorObject): { at?: string; message: string; hint?: string } {
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const params = error.params as Record<string, unknown>;
  // A key that fails the object's propertyNames: reported at the key itself.
  if (error.propertyName !== undefined) {
    const pattern = params.pattern === undefined ? '' : ` ${String(params.pattern)}`;
    return {
      at: error.propertyName,
      message: `the key ${JSON.stringify(error.propertyName)} does not match${pattern || ` (${error.message})`}`,
    };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as object | undefined) ?? {});
      return {
        at: key,
        message: `unknown key "${key}"`,
        hint: known.length ? suggestion(key, known) : 'this object takes no keys',
      };
    }
    case 'required':
      return {
        message: `missing required key "${String(params.missingProperty)}"`,
        hint: describeProperty(parent, String(params.missingProperty)),
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const given = JSON.stringify(error.data);
      return {
        message: `${given} is not allowed`,
        hint: suggestion(given, allowed).replace('expected one of', 'allowed'),
      };
    }
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { message: `must be ${[params.type].flat().map(String).join(' or ')}, not ${jsonType(error.data)}` };
    case 'pattern': {
      const examples = parent.examples as unknown[] | undefined;
      return {
        message: `${JSON.stringify(error.data)} does not match ${String(params.pattern)}`,
        hint: examples?.length ? `for example ${examples.map((e) => JSON.stringify(e)).join(' or ')}` : undefined,
      };
    }
    default:
      return { message: error.message ?? `fails ${error.keyword}` };
  }
}

function describeProperty(parent: JsonSchema, key: string): string | undefined {
  const property = (parent.properties as Record<string, JsonSchema> | undefined)?.[key];
  const description = property?.description;
  return typeof description === 'string' ? `${key}: ${description}` : undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}
