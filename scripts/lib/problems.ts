// A problem found in a config, located where the offending text was written. Every stage
// reports these instead of throwing, so one run can show every problem in every file.

export interface Location {
  file: string; // path as shown to the user (relative to the working directory)
  pointer: string; // JSON pointer inside that file
  line: number; // 1-based
  column: number; // 1-based
}

export interface Problem {
  location: Location;
  message: string;
  hint?: string;
}

export class ProblemList {
  readonly items: Problem[] = [];
  add(location: Location, message: string, hint?: string): void {
    const key = describe({ location, message });
    if (!this.items.some((p) => describe({ location: p.location, message: p.message }) === key))
      this.items.push({ location, message, hint });
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** `file:line:col  /json/path  message` and, indented below, the hint. */
export function describe(problem: Pick<Problem, 'location' | 'message' | 'hint'>): string {
  const { file, line, column, pointer } = problem.location;
  const head = `${file}:${line}:${column}  ${pointer || '/'}  ${problem.message}`;
  return problem.hint ? `${head}\n    hint: ${problem.hint}` : head;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.message.localeCompare(b.message),
  );
}

/** The candidate closest to `word` by edit distance, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function suggestion(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  return `expected one of: ${candidates.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment: a transposition counts as one edit, as typos usually are.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
