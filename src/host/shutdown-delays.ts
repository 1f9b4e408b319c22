/**
 * How long the host gives its servers to stop when it shuts down, in one place for the two that do it: the host
 * (`closeAll`, and the stdio connector's ends of a broken server) and, when the host dies without closing them, its
 * watchdog (live-groups.ts). No imports: the early start loads this before the CLI.
 */

/** How long the host waits, after its work is done, for servers to exit on their own before ending them. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 100;
/** After SIGTERM, how long before SIGKILL. */
export const DEFAULT_SHUTDOWN_TERM_MS = 500;
