#!/usr/bin/env zx
// Entry point: `npx zx scripts/import.mjs devcontainer|distrobox FILE [--name NAME]` writes
// configs/NAME.jsonc from a file another tool reads (see the README, "Coming from").
import { loadLibrary } from './load-library.mjs';

const { importMain } = await loadLibrary('import/cli.ts');
const self = process.argv.findIndex((arg) => arg.endsWith('import.mjs'));
process.exitCode = await importMain(process.argv.slice(self + 1));
