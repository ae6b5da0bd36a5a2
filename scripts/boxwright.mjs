#!/usr/bin/env node
// The package's command: `npx boxwright generate|check|import|init|hooks install` (see
// scripts/lib/package/boxwright.ts). The library is TypeScript, loaded by load-library.mjs
// without a build step that could go stale, as for scripts/generate.mjs. Whatever fails
// before the library can say it is one line too.
import { loadLibrary } from './load-library.mjs';

try {
  const { boxwright } = await loadLibrary('package/boxwright.ts');
  process.exitCode = await boxwright(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`boxwright: cannot start: ${String(error?.message ?? error).split('\n')[0]}\n`);
  process.exitCode = 70;
}
