import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMessageId, MaildirStore, newMessageId } from '../../../../servers/email/store.js';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'email-store-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const { pid, status } = spawnSync(process.execPath, ['-e', '']);
  expect(status).toBe(0);
  return pid;
}

function entries(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir)).sort();
}

const RAW = Buffer.from('Subject: hi\r\n\r\nbody\r\n');

describe('message ids', () => {
  it('are 13 digits of milliseconds and 16 hex digits, sorting by age', () => {
    const older = newMessageId(1_718_000_000_000);
    const newer = newMessageId(1_718_000_000_001);
    expect(older).toMatch(/^1718000000000-[0-9a-f]{16}$/);
    expect(older < newer).toBe(true);
    expect(newMessageId(5)).toMatch(/^0000000000005-/);
  });

  it('strictly increase within a process, even many in one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newMessageId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1000);
  });

  it.each(['../../etc/passwd', '1718000000000-0123456789abcdef/..', '1718000000000-0123456789ABCDEF', '', 'x'])(
    'refuses %j',
    (id) => {
      expect(isMessageId(id)).toBe(false);
    },
  );

  it('are checked before any path is built from them', async () => {
    const store = await MaildirStore.open(root);
    await expect(store.read('../outbox/x')).rejects.toThrow('Invalid message id "../outbox/x"');
    await expect(store.move('..', 'failed', 'outbox')).rejects.toThrow('Invalid message id');
    await expect(store.claim('../../x')).rejects.toThrow('Invalid message id');
  });
});

describe('MaildirStore', () => {
  it('creates its folders, private to the user', async () => {
    await MaildirStore.open(path.join(root, 'nested', 'store'));
    const created = fs.readdirSync(path.join(root, 'nested', 'store')).sort();
    expect(created).toEqual(['claims', 'errors', 'failed', 'outbox', 'sent', 'tmp']);
    expect(fs.statSync(path.join(root, 'nested', 'store', 'outbox')).mode & 0o777).toBe(0o700);
  });

  it('adds a message to outbox/ as one complete file, leaving nothing in tmp/', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, RAW);
    expect(entries('outbox')).toEqual([`${id}.eml`]);
    expect(fs.readFileSync(path.join(root, 'outbox', `${id}.eml`))).toEqual(RAW);
    expect(fs.statSync(path.join(root, 'outbox', `${id}.eml`)).mode & 0o777).toBe(0o600);
    expect(entries('tmp')).toEqual([]);
    expect(await store.read(id)).toEqual({ folder: 'outbox', raw: RAW });
  });

  it('moves a message between folders, and reports a message that is not where expected', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, RAW);
    expect(await store.move(id, 'outbox', 'failed')).toBe(true);
    expect(await store.locate(id)).toBe('failed');
    expect(await store.move(id, 'outbox', 'sent')).toBe(false);
    expect(entries('outbox')).toEqual([]);
    expect(entries('failed')).toEqual([`${id}.eml`]);
    expect(await store.locate(newMessageId())).toBeUndefined();
    expect(await store.read(newMessageId())).toBeUndefined();
  });

  it('lists one folder or all, newest first, ignoring foreign files', async () => {
    const store = await MaildirStore.open(root);
    const ids = [1, 2, 3, 4].map((n) => newMessageId(1_718_000_000_000 + n));
    for (const id of ids) await store.add(id, RAW);
    await store.move(ids[1]!, 'outbox', 'sent');
    await store.move(ids[2]!, 'outbox', 'failed');
    fs.writeFileSync(path.join(root, 'sent', 'notes.txt'), 'not a message');
    expect(await store.list()).toEqual([
      { id: ids[3], folder: 'outbox' },
      { id: ids[2], folder: 'failed' },
      { id: ids[1], folder: 'sent' },
      { id: ids[0], folder: 'outbox' },
    ]);
    expect(await store.list('outbox')).toEqual([
      { id: ids[3], folder: 'outbox' },
      { id: ids[0], folder: 'outbox' },
    ]);
  });

  it('reads only the header block when asked', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, Buffer.from('From: a@example.com\r\nSubject: hi\r\n\r\nthe body\r\n'));
    const found = await store.readHeader(id);
    expect(found?.folder).toBe('outbox');
    expect(found?.header.toString()).toBe('From: a@example.com\r\nSubject: hi');
  });

  it('keeps a delivery problem in a sidecar, replaced atomically', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, RAW);
    expect(await store.readProblem(id)).toBeUndefined();
    await store.writeProblem(id, { at: '2024-01-01T00:00:00.000Z', message: 'first' });
    await store.writeProblem(id, { at: '2024-01-02T00:00:00.000Z', message: 'second', code: 'EENVELOPE' });
    expect(await store.readProblem(id)).toEqual({
      at: '2024-01-02T00:00:00.000Z',
      message: 'second',
      code: 'EENVELOPE',
    });
    expect(entries('errors')).toEqual([`${id}.json`]);
    expect(entries('tmp')).toEqual([]);
    await store.removeProblem(id);
    expect(await store.readProblem(id)).toBeUndefined();
  });

  it('lets one live process claim a message at a time', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, RAW);
    expect(await store.claim(id)).toBe(true);
    expect(fs.readFileSync(path.join(root, 'claims', id), 'utf8')).toBe(`${process.pid}\n`);
    expect(await store.claim(id)).toBe(false);
    await store.release(id);
    expect(entries('claims')).toEqual([]);
    expect(await store.claim(id)).toBe(true);
    expect(entries('tmp')).toEqual([]);
  });

  it('takes over the claim of a process that died', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    await store.add(id, RAW);
    fs.writeFileSync(path.join(root, 'claims', id), `${deadPid()}\n`);
    expect(await store.claim(id)).toBe(true);
    expect(fs.readFileSync(path.join(root, 'claims', id), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('does not release a claim held by another process', async () => {
    const store = await MaildirStore.open(root);
    const id = newMessageId();
    fs.writeFileSync(path.join(root, 'claims', id), `${process.ppid}\n`);
    await store.release(id);
    expect(entries('claims')).toEqual([id]);
    expect(await store.claim(id)).toBe(false);
  });

  it('on open, removes what dead processes left and keeps what live ones are writing', async () => {
    await MaildirStore.open(root);
    const dead = deadPid();
    const kept = newMessageId();
    fs.writeFileSync(path.join(root, 'outbox', `${kept}.eml`), RAW);
    fs.writeFileSync(path.join(root, 'errors', `${kept}.json`), '{"at":"x","message":"kept"}');
    const orphan = newMessageId();
    fs.writeFileSync(path.join(root, 'errors', `${orphan}.json`), '{"at":"x","message":"orphan"}');
    fs.writeFileSync(path.join(root, 'tmp', `${newMessageId()}.eml.ab12.${dead}`), 'partial');
    fs.writeFileSync(path.join(root, 'tmp', 'no-pid-suffix'), 'junk');
    const live = `${newMessageId()}.eml.cd34.${process.ppid}`;
    fs.writeFileSync(path.join(root, 'tmp', live), 'being written');
    fs.writeFileSync(path.join(root, 'claims', kept), `${dead}\n`);

    await MaildirStore.open(root);
    expect(entries('tmp')).toEqual([live]);
    expect(entries('claims')).toEqual([]);
    expect(entries('errors')).toEqual([`${kept}.json`]);
    expect(entries('outbox')).toEqual([`${kept}.eml`]);
  });
});
