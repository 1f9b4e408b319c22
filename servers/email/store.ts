/**
 * The durable message store: a Maildir-style directory tree in which a message is one complete `.eml` file and
 * its state is the folder it sits in.
 *
 * ```
 * tmp/      files being written, named <name>.<pid>; removed at start when that process is gone
 * outbox/   <id>.eml  accepted, waiting for delivery
 * sent/     <id>.eml  accepted by the SMTP server
 * failed/   <id>.eml  refused by the SMTP server, or unreachable
 * errors/   <id>.json the last delivery problem of a message (a sidecar, written atomically)
 * claims/   <id>      the pid of the process delivering the message right now
 * ```
 *
 * Durability: a message is written to `tmp/`, fsynced, renamed into `outbox/`, and the directory is fsynced before
 * the id is returned. Every later state change is one `rename` between folders of the same file system, which is
 * atomic: whenever the process dies, each accepted message is in exactly one of outbox, sent and failed, and no
 * partial file is ever visible there.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const FOLDERS = ['outbox', 'sent', 'failed'] as const;
export type Folder = (typeof FOLDERS)[number];
export type MessageStatus = 'queued' | 'sent' | 'failed';
/** A message's status is the folder it is in. */
export const STATUS_OF_FOLDER: Readonly<Record<Folder, MessageStatus>> = {
  outbox: 'queued',
  sent: 'sent',
  failed: 'failed',
};

/** A message id: the creation time in milliseconds (13 digits, so names sort by age) and 64 random bits. */
const MESSAGE_ID = /^\d{13}-[0-9a-f]{16}$/;
const MESSAGE_FILE = /^(\d{13}-[0-9a-f]{16})\.eml$/;
const SIDECAR_FILE = /^(\d{13}-[0-9a-f]{16})\.json$/;
/** `tmp/` and claim-file names end in the pid of the process that wrote them. */
const PID_SUFFIX = /\.(\d+)$/;
/** How often a read chases a message that moved between folders while it was being read. */
const MAX_READ_ATTEMPTS = 3;
/** Header blocks larger than this are cut when only the headers are read (for listings). */
const MAX_HEADER_BYTES = 64 * 1024;

/** The last delivery problem of a message, kept in its sidecar. */
export interface DeliveryProblem {
  /** ISO 8601 time of the attempt. */
  at: string;
  /** What went wrong, with credentials removed. */
  message: string;
  /** nodemailer's error code, e.g. `EENVELOPE`, `ECONNECTION`, `ETIMEDOUT`, `EAUTH`. */
  code?: string;
  /** The SMTP server's reply, e.g. `550 5.1.1 No such user`. */
  response?: string;
  responseCode?: number;
  /** Recipients the server refused while it accepted others (the message then counts as sent). */
  rejected?: string[];
}

let lastIdMs = 0;

/**
 * Creates a new, unique message id. Without `now`, ids of this process strictly increase (a burst within one
 * millisecond borrows the next ones), so listings show messages in the order they were sent.
 */
export function newMessageId(now?: number): string {
  const ms = now ?? (lastIdMs = Math.max(Date.now(), lastIdMs + 1));
  return `${String(ms).padStart(13, '0')}-${randomBytes(8).toString('hex')}`;
}

/** Whether `id` is a well-formed message id: the only names that ever reach a file path. */
export function isMessageId(id: string): boolean {
  return MESSAGE_ID.test(id);
}

/** The store of one directory. One instance per process; several processes may share the directory. */
export class MaildirStore {
  /** Renames and folder listings run one at a time, so a listing never sees a message twice or not at all. */
  private exclusive: Promise<unknown> = Promise.resolve();

  private constructor(readonly root: string) {}

  /** Opens (creating if needed) the store and cleans what dead processes left behind. */
  static async open(root: string): Promise<MaildirStore> {
    const store = new MaildirStore(root);
    for (const dir of ['tmp', ...FOLDERS, 'errors', 'claims']) {
      await fs.mkdir(path.join(root, dir), { recursive: true, mode: 0o700 });
    }
    await store.removeLeftovers();
    return store;
  }

  /** Stores a new message in `outbox/`, durably, before returning. */
  async add(id: string, raw: Buffer): Promise<void> {
    assertMessageId(id);
    const tmpPath = this.tmpPath(`${id}.eml`);
    await writeDurably(tmpPath, raw);
    await this.serialized(() => fs.rename(tmpPath, this.messagePath('outbox', id)));
    await syncDirectory(this.dir('outbox'));
  }

  /** Moves a message between folders. @returns false when it was not in `from` (another process moved it). */
  async move(id: string, from: Folder, to: Folder): Promise<boolean> {
    assertMessageId(id);
    try {
      await this.serialized(() => fs.rename(this.messagePath(from, id), this.messagePath(to, id)));
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false;
      throw error;
    }
    await syncDirectory(this.dir(to));
    await syncDirectory(this.dir(from));
    return true;
  }

  /** The folder that holds the message now, or undefined when there is no such message. */
  async locate(id: string): Promise<Folder | undefined> {
    assertMessageId(id);
    return this.serialized(async () => {
      for (const folder of FOLDERS) {
        if (await exists(this.messagePath(folder, id))) return folder;
      }
      return undefined;
    });
  }

  /** The messages of one folder, or of all, newest first. */
  async list(folder?: Folder): Promise<Array<{ id: string; folder: Folder }>> {
    const folders = folder ? [folder] : FOLDERS;
    const listed = await this.serialized(() =>
      Promise.all(folders.map(async (name) => ({ name, entries: await fs.readdir(this.dir(name)) }))),
    );
    const messages: Array<{ id: string; folder: Folder }> = [];
    for (const { name, entries } of listed) {
      for (const entry of entries) {
        const id = MESSAGE_FILE.exec(entry)?.[1];
        if (id) messages.push({ id, folder: name });
      }
    }
    return messages.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** The whole message, wherever it is; undefined when there is no such message. */
  async read(id: string): Promise<{ folder: Folder; raw: Buffer } | undefined> {
    return this.chase(id, (file) => fs.readFile(file));
  }

  /** The header block of a message (at most 64 KiB), for listings that need no body. */
  async readHeader(id: string): Promise<{ folder: Folder; header: Buffer } | undefined> {
    return this.chase(id, async (file) => {
      const handle = await fs.open(file, 'r');
      try {
        const buffer = Buffer.alloc(MAX_HEADER_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
        const text = buffer.subarray(0, bytesRead).toString('latin1');
        const end = /\r?\n\r?\n/.exec(text);
        return buffer.subarray(0, end ? end.index : bytesRead);
      } finally {
        await handle.close();
      }
    }).then((found) => found && { folder: found.folder, header: found.raw });
  }

  /** The sidecar of a message, if it has one. */
  async readProblem(id: string): Promise<DeliveryProblem | undefined> {
    assertMessageId(id);
    try {
      return JSON.parse(await fs.readFile(this.sidecarPath(id), 'utf8')) as DeliveryProblem;
    } catch (error) {
      if (hasCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** Replaces the sidecar atomically: readers see the old one or the new one, never half of either. */
  async writeProblem(id: string, problem: DeliveryProblem): Promise<void> {
    assertMessageId(id);
    const tmpPath = this.tmpPath(`${id}.json`);
    await writeDurably(tmpPath, Buffer.from(`${JSON.stringify(problem, null, 2)}\n`));
    await fs.rename(tmpPath, this.sidecarPath(id));
    await syncDirectory(this.dir('errors'));
  }

  async removeProblem(id: string): Promise<void> {
    assertMessageId(id);
    await fs.rm(this.sidecarPath(id), { force: true });
  }

  /**
   * Claims a message for delivery, so that two processes sharing the store never send it both. The claim file is
   * made complete in `tmp/` and linked into place: `link` fails if the claim exists, and never shows an empty one.
   * A claim left by a process that has died is taken over. @returns false when a live process holds the claim.
   */
  async claim(id: string): Promise<boolean> {
    assertMessageId(id);
    const claimPath = this.claimPath(id);
    const tmpPath = this.tmpPath(`${id}.claim`);
    // No fsync: a claim only matters while its process lives, and a power loss ends that process too.
    await fs.writeFile(tmpPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await fs.link(tmpPath, claimPath);
          return true;
        } catch (error) {
          if (!hasCode(error, 'EEXIST')) throw error;
        }
        const owner = await readPid(claimPath);
        if (owner !== undefined && isProcessAlive(owner)) return false;
        // No owner: the claim was released in between; try again.
        if (owner !== undefined) await this.removeStaleClaim(claimPath, owner);
      }
      return false;
    } finally {
      await fs.rm(tmpPath, { force: true });
    }
  }

  /** Gives up this process's claim. */
  async release(id: string): Promise<void> {
    assertMessageId(id);
    if ((await readPid(this.claimPath(id))) === process.pid) await fs.rm(this.claimPath(id), { force: true });
  }

  /**
   * Removes what crashed processes left: their `tmp/` files (never visible as messages), their claims, and
   * sidecars of messages that no longer exist. Files of live processes are left alone.
   */
  private async removeLeftovers(): Promise<void> {
    for (const entry of await fs.readdir(this.dir('tmp'))) {
      const pid = Number(PID_SUFFIX.exec(entry)?.[1]);
      if (!(pid > 0 && isProcessAlive(pid))) await fs.rm(path.join(this.dir('tmp'), entry), { force: true });
    }
    for (const entry of await fs.readdir(this.dir('claims'))) {
      const claimPath = path.join(this.dir('claims'), entry);
      const owner = await readPid(claimPath);
      if (owner !== undefined && !isProcessAlive(owner)) await this.removeStaleClaim(claimPath, owner);
    }
    for (const entry of await fs.readdir(this.dir('errors'))) {
      const id = SIDECAR_FILE.exec(entry)?.[1];
      if (id && (await this.locate(id)) === undefined) {
        await fs.rm(path.join(this.dir('errors'), entry), { force: true });
      }
    }
  }

  /**
   * Removes a dead process's claim. It is first renamed aside, so that if another process took it over meanwhile,
   * the live claim can be put back instead of deleted.
   */
  private async removeStaleClaim(claimPath: string, deadOwner: number): Promise<void> {
    const aside = this.tmpPath(`${path.basename(claimPath)}.stale-${randomBytes(4).toString('hex')}`);
    try {
      await fs.rename(claimPath, aside);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return;
      throw error;
    }
    if ((await readPid(aside)) !== deadOwner) await fs.link(aside, claimPath).catch(() => undefined);
    await fs.rm(aside, { force: true });
  }

  /** Runs `read` on the message file, finding the folder again if the message moved in between. */
  private async chase<T>(
    id: string,
    read: (file: string) => Promise<T>,
  ): Promise<{ folder: Folder; raw: T } | undefined> {
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const folder = await this.locate(id);
      if (!folder) return undefined;
      try {
        return { folder, raw: await read(this.messagePath(folder, id)) };
      } catch (error) {
        if (!hasCode(error, 'ENOENT')) throw error;
      }
    }
    return undefined;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(task);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  private dir(name: string): string {
    return path.join(this.root, name);
  }

  private messagePath(folder: Folder, id: string): string {
    return path.join(this.root, folder, `${id}.eml`);
  }

  private sidecarPath(id: string): string {
    return path.join(this.root, 'errors', `${id}.json`);
  }

  private claimPath(id: string): string {
    return path.join(this.root, 'claims', id);
  }

  /** A unique name in `tmp/` ending in this process's pid. */
  private tmpPath(name: string): string {
    return path.join(this.root, 'tmp', `${name}.${randomBytes(4).toString('hex')}.${process.pid}`);
  }
}

/** Writes a new file and flushes it to disk before returning; the file is created, never overwritten. */
async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory, so that a rename or create in it survives a power loss. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) and file systems cannot open or fsync a directory; the rename itself still holds.
    if (!hasCode(error, 'EISDIR') && !hasCode(error, 'EPERM') && !hasCode(error, 'EINVAL')) throw error;
  } finally {
    await handle?.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return false;
    throw error;
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await fs.readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Whether a process with this pid runs (signal 0 only checks; EPERM means it exists but is not ours). */
function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasCode(error, 'EPERM');
  }
}

function assertMessageId(id: string): void {
  // Every path is built from an id; this check is what keeps `../` and friends out of the file system.
  if (!isMessageId(id)) throw new Error(`Invalid message id ${JSON.stringify(id)}`);
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
