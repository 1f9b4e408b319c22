#!/usr/bin/env node
import process from 'node:process';
// The warm path first: when a daemon serves the config, it runs the command and nothing else is loaded here.
import { runFastPath } from '../dist/src/cli/fast-path.js';

const exitCode = await runFastPath(process.argv);
if (exitCode === undefined) {
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(process.argv);
} else {
  process.exitCode = exitCode;
}
