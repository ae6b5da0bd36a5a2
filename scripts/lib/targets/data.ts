// What the targets that write data (kube.yaml, devcontainer.json) share.

/** Drops the keys whose value is undefined, an empty list or an empty object: unset. */
export function pruneEmpty(object: object): void {
  const fields = object as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    const empty =
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
    if (empty) delete fields[key];
  }
}
