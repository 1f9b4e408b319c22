/**
 * vscode-jsonrpc dispatches one incoming message per `setImmediate`, so a burst of pipelined requests is handled
 * one event-loop turn apart, and every response leaves in its own `write()` system call: measured, 2 writes per
 * call and 40% of the CPU in the write path. This module re-installs the library's runtime layer (its public
 * `RAL`) with a `setImmediate` that runs every callback queued for the next turn in one pass. The order and the
 * asynchrony the library relies on are kept; the gain is that a burst is dispatched together, so the responses
 * are batched by our writer into one write.
 */

import { RAL } from './rpc.js';

/** Callbacks run per pass before yielding to I/O, so a flood of messages cannot starve the event loop. */
const MAX_CALLBACKS_PER_PASS = 512;

interface Pending {
  callback: (...args: unknown[]) => void;
  args: unknown[];
  isCancelled: boolean;
}

let isInstalled = false;

/** Installs the batching once per process (the runtime layer is process-wide). Idempotent. */
export function installBatchedDispatch(): void {
  if (isInstalled) return;
  isInstalled = true;
  const runtime = RAL();
  let queue: Pending[] = [];
  let isScheduled = false;

  const runPass = (): void => {
    isScheduled = false;
    let ran = 0;
    // Callbacks queued while the pass runs (the library queues the next message from inside the callback) join
    // this pass, up to the cap.
    while (queue.length > 0 && ran < MAX_CALLBACKS_PER_PASS) {
      const batch = queue;
      queue = [];
      for (let i = 0; i < batch.length; i++) {
        const pending = batch[i]!;
        if (ran >= MAX_CALLBACKS_PER_PASS) {
          queue = batch.slice(i).concat(queue);
          break;
        }
        if (pending.isCancelled) continue;
        ran += 1;
        pending.callback(...pending.args);
      }
    }
    if (queue.length > 0) schedule();
  };

  const schedule = (): void => {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(runPass);
  };

  const timer: RAL['timer'] = {
    setTimeout: runtime.timer.setTimeout.bind(runtime.timer),
    setInterval: runtime.timer.setInterval.bind(runtime.timer),
    setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
      const pending: Pending = { callback, args, isCancelled: false };
      queue.push(pending);
      schedule();
      return { dispose: () => (pending.isCancelled = true) };
    },
  };
  RAL.install(Object.freeze({ ...runtime, timer: Object.freeze(timer) }));
}
