/**
 * The values we use from vscode-jsonrpc, loaded with `require`. The package is CommonJS, and an ES `import` of it
 * first has Node scan every one of its files for export names (cjs-module-lexer): ~21 ms against ~13 ms, paid by
 * every process that loads this library. Types come from the package as usual (`import type`).
 *
 * scripts/bundle.js replaces this module with a plain re-export: a bundler does not follow this `require`, and the
 * bundles are meant to contain the package.
 */

import { createRequire } from 'node:module';
import type * as VscodeJsonrpc from 'vscode-jsonrpc/node';

const vscodeJsonrpc = createRequire(import.meta.url)('vscode-jsonrpc/node') as typeof VscodeJsonrpc;

export const {
  AbstractMessageReader,
  AbstractMessageWriter,
  Emitter,
  Event,
  RAL,
  ResponseError,
  createMessageConnection,
} = vscodeJsonrpc;

// The classes as types too, as an `import` of the package would give them.
export type ResponseError<D = void> = VscodeJsonrpc.ResponseError<D>;
export type RAL = VscodeJsonrpc.RAL;
