/** Making the daemon's runtime directory: owner-only, and refused when someone else owns it. */

import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { McpHostError } from '../errors.js';
import { currentUid } from './paths.js';

/**
 * Creates the runtime directory with mode 0700, or makes an existing one of ours 0700.
 * @throws McpHostError `SPAWN_FAILED` when it is a symlink, not a directory, or belongs to another user.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stats = lstatSync(dir);
  if (!stats.isDirectory()) {
    throw new McpHostError('SPAWN_FAILED', `Daemon runtime directory ${dir} is not a directory (or is a symlink)`, {
      dir,
    });
  }
  if (stats.uid !== currentUid()) {
    throw new McpHostError(
      'SPAWN_FAILED',
      `Daemon runtime directory ${dir} belongs to uid ${stats.uid}, not to this user (${currentUid()}); remove it or set XDG_RUNTIME_DIR`,
      { dir },
    );
  }
  if ((stats.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
