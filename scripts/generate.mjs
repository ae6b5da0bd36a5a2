#!/usr/bin/env zx
// Entry point: `npx zx scripts/generate.mjs [--check] [--only NAME] ...`. The library is
// TypeScript, loaded by scripts/load-library.mjs without a build step that could go stale.
import { loadLibrary } from './load-library.mjs';

const { main } = await loadLibrary('cli.ts');
const self = process.argv.findIndex((arg) => arg.endsWith('generate.mjs'));
process.exitCode = await main(process.argv.slice(self + 1));
