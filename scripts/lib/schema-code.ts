// Validators compiled ahead of time. Compiling the four schemas with ajv is a third of a
// generator run, so each schema's validator is committed as standalone code in
// schemas/compiled/, stamped with the digest of the schema it came from. One whose stamp
// does not match its schema is never used (the schema is compiled at run time instead), and
// `generate --check` reports it, so a stale file costs time, never a wrong answer.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { BOXWRIGHT_ROOT } from './paths.ts';

export const COMPILED_DIR = 'compiled';
export const COMPILE_COMMAND = 'npm run schemas';
const STAMP = /^\/\/ boxwright-schema: sha256:([0-9a-f]{64})$/m;
// ajv itself is loaded only when a schema must be compiled: with current validators a run
// never needs it.
const load = createRequire(`${BOXWRIGHT_ROOT}package.json`);

export function newAjv(options: { source: boolean }): Ajv2020 {
  const { Ajv2020: Ajv } = load('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    code: { source: options.source },
  });
  ajv.addKeyword({ keyword: 'x-merge', schemaType: 'string' });
  return ajv;
}

/** schemas/compiled/<kind>.schema.cjs for schemas/<kind>.schema.json. */
export function compiledPath(schemaPath: string): string {
  return join(schemaPath, '..', COMPILED_DIR, basename(schemaPath).replace(/\.json$/, '.cjs'));
}

function digest(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex');
}

/** The standalone validator for a schema, as the text of a CommonJS module. */
export function compiledCode(schemaPath: string, schemaText: string): string {
  const ajv = newAjv({ source: true });
  const validate = ajv.compile(JSON.parse(schemaText) as object);
  return [
    `// Validator for schemas/${basename(schemaPath)}, compiled by ajv (standalone code).`,
    `// Do not edit: change the schema and run \`${COMPILE_COMMAND}\`.`,
    `// boxwright-schema: sha256:${digest(schemaText)}`,
    (load('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default(ajv, validate),
    '',
  ].join('\n');
}

/** Whether the compiled validator exists and was made from this exact schema text. */
export function compiledIsCurrent(schemaPath: string, schemaText: string): boolean {
  const path = compiledPath(schemaPath);
  if (!existsSync(path)) return false;
  return STAMP.exec(readFileSync(path, 'utf8').slice(0, 512))?.[1] === digest(schemaText);
}

/** The committed validator when it is current, else undefined. */
export function loadCompiled(schemaPath: string, schemaText: string): ValidateFunction | undefined {
  if (!compiledIsCurrent(schemaPath, schemaText)) return undefined;
  return load(compiledPath(schemaPath)) as ValidateFunction;
}
