/**
 * The values we use from vscode-jsonrpc, loaded with `require`. The package is CommonJS, and an ES `import` of it
 * first has Node scan every one of its files for export names (cjs-module-lexer): ~21 ms against ~13 ms, paid by
 * every process that loads this library. Types come from the package as usual (`import type`).
 *
 * `npm run build` puts the package, bundled, beside this module's compiled form (scripts/bundle.js), and this loads
 * that bundle with its code cache: ~4 ms instead of ~14 ms for resolving and compiling the package's ~25 files and
 * node:crypto, which the bundle loads only if used (we never do). Run from source (the tests, `npm run dev`), there
 * is no bundle and the package is loaded as it is.
 *
 * scripts/bundle.js replaces this module with a plain re-export when it bundles an executable: a bundler does not
 * follow this `require`, and the executables' bundles are meant to contain the package.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as VscodeJsonrpc from 'vscode-jsonrpc/node';
import { runBundle } from '../runtime/code-cache.js';

const bundle = new URL('./vscode-jsonrpc.cjs', import.meta.url);

const vscodeJsonrpc = (
  existsSync(bundle) ? runBundle(bundle) : createRequire(import.meta.url)('vscode-jsonrpc/node')
) as typeof VscodeJsonrpc;

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
