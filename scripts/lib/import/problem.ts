// What is wrong with a file being imported, and where: its line and column (1-based) and the
// path in it (a JSON pointer), so that the importer says it the way generate says a config's
// problem: FILE:LINE:COLUMN  POINTER  MESSAGE.
import { type LineCounter, type Document, isMap, isScalar, isSeq, type Node } from 'yaml';

export class ImportProblem extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly pointer: string,
    /** The file, when it is not the one imported (a compose file that extends names). */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** The pointer of a path: /services/web/depends_on. */
export function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Where a path is in a parsed YAML document: its key when it is a mapping's entry (people
 * look for the name), else its value; the nearest ancestor that exists when it does not.
 */
export function yamlPlace(
  document: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
): { line: number; col: number } {
  for (let length = path.length; length >= 0; length--) {
    const parent = length > 0 ? (document.getIn(path.slice(0, length - 1), true) as Node | undefined) : undefined;
    const key = path[length - 1];
    if (length > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      const range = (pair?.key as Node | undefined)?.range;
      if (range) return lines.linePos(range[0]);
    }
    const node = (length === 0 ? document.contents : document.getIn(path.slice(0, length), true)) as
      | Node
      | null
      | undefined;
    if (node?.range && (isMap(node) || isSeq(node) || isScalar(node))) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** A problem at a path of a YAML document. */
export function yamlProblem(
  document: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
  message: string,
): ImportProblem {
  const { line, col } = yamlPlace(document, lines, path);
  return new ImportProblem(message, line, col, pointer(path));
}
