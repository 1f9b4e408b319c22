/**
 * Replacing a file so that every reader sees the old text or the new one, never a part: the new text goes to a
 * file of its own beside it, is flushed to disk, and is renamed over the old one (a rename within a directory is
 * atomic). The file keeps its permissions and, when we may, its owner; a symbolic link is followed, so a config
 * kept in a dotfiles repository stays a link to the file that changed.
 */

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';

/** `writeFileAtomically`'s options. */
export interface AtomicWriteOptions {
  /**
   * The text the file must still hold when it is replaced (what an edit was made from); undefined for a file that
   * must not exist yet. When it differs, nothing is written and `FileChangedError` is thrown: someone else wrote
   * the file meanwhile, and their change would be lost.
   */
  expected: string | undefined;
}

/** The file changed (or appeared) between reading it and replacing it. */
export class FileChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while it was being edited`);
  }
}

/**
 * Writes `text` to `file` atomically (see the module comment). A new file is created with the usual permissions
 * (0666 less the umask), and its directory if needed. Resolves to the path actually written (the link's target).
 * @throws FileChangedError when the file no longer holds `options.expected`; the errors of the file system otherwise
 * (`EACCES`, `ENOSPC`, …), after removing the temporary file.
 */
export function writeFileAtomically(file: string, text: string, options: AtomicWriteOptions): string {
  const target = resolveTarget(file);
  const existing = statOrUndefined(target);
  const dir = path.dirname(target);
  if (!existing) mkdirSync(dir, { recursive: true });
  const temporary = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let isRenamed = false;
  try {
    // `wx`: never through a file someone placed at that name.
    const descriptor = openSync(temporary, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    try {
      writeSync(descriptor, text);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    if (existing) keepAccess(temporary, existing);
    if (readOrUndefined(target) !== options.expected) throw new FileChangedError(target);
    renameSync(temporary, target);
    isRenamed = true;
    syncDirectory(dir);
    return target;
  } finally {
    if (!isRenamed) {
      try {
        unlinkSync(temporary);
      } catch {
        // Never created.
      }
    }
  }
}

/** The file a path names: through any symbolic links, also for a file that does not exist yet in a linked folder. */
function resolveTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

/** The old file's permissions (the umask narrowed those `open` gave) and owner (only root may give it away). */
function keepAccess(file: string, existing: Stats): void {
  chmodSync(file, existing.mode & 0o7777);
  if (typeof process.getuid === 'function' && process.getuid() !== existing.uid) {
    try {
      chownSync(file, existing.uid, existing.gid);
    } catch {
      // Not root: the file becomes ours, as with any editor that saves by renaming.
    }
  }
}

/** The rename itself is on disk only once its directory is flushed (POSIX; Windows cannot open a directory). */
function syncDirectory(dir: string): void {
  try {
    const descriptor = openSync(dir, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Not supported here: the rename is still atomic, only perhaps not yet durable.
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
