// Paths in an imported file are relative to that file's folder, as its own tool reads them;
// a config's are relative to the repository that holds it (./x), wherever the scripts run
// from. Every importer writes a relative path through placedPath, so that a file imported
// from anywhere names the same files.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Where the imported file is, and the repository its configs are written to; both absolute. */
export interface Place {
  file: string;
  repository: string;
}

/**
 * A path of the imported file as a config writes it: ./x when it is inside the repository,
 * else absolute. Absolute paths, ~ and paths that start with a variable ($, %) stay as written.
 */
export function placedPath(text: string, place: Place): string {
  if (isAbsolute(text) || /^[~$%]/.test(text)) return text;
  const absolute = resolve(dirname(place.file), text);
  const inside = relative(place.repository, absolute);
  if (inside === '') return '.';
  return inside.startsWith('..') || isAbsolute(inside) ? absolute : `./${inside.split(sep).join('/')}`;
}

/** The absolute path a relative one of the imported file names. */
export function absolutePath(text: string, place: Place): string {
  return resolve(dirname(place.file), text);
}
