#!/usr/bin/env zx
// Entry point: `npx zx scripts/generate.mjs [--check] [--only NAME] ...`. The library is
// TypeScript loaded through tsx, so there is no build step that could go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./lib/cli.ts');
const self = process.argv.findIndex((arg) => arg.endsWith('generate.mjs'));
process.exitCode = await main(process.argv.slice(self + 1));
