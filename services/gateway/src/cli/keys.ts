#!/usr/bin/env node
/** Entry point of `pnpm keys` (see keys-command.ts). */
import { runKeysCommand } from './keys-command';

runKeysCommand(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`pnpm keys failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
