// Short names made from what they name, so that a name changes when its content does: the
// markers of hooks that ran, the output lock of a folder.
import { createHash } from 'node:crypto';

/** The first 16 hex digits of the SHA-256 of `text`: short in a path, and never seen to collide. */
export function shortDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
