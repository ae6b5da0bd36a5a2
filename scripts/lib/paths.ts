// Where boxwright's own files are. The one place that looks at this module's location, so
// that the library runs the same from its sources (tsx) and from the bundle that
// scripts/load-library.mjs makes of them.
import { fileURLToPath } from 'node:url';

export const BOXWRIGHT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCHEMAS_DIR = `${BOXWRIGHT_ROOT}schemas/`;
export const TEMPLATES_DIR = `${BOXWRIGHT_ROOT}templates/`;
