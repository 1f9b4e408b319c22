/**
 * The note that lets the early start run (src/cli/config-stamp.ts): a hash of the whole text that two texts
 * crafted to collide cannot share, written and read only in the user's private runtime directory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStamped, stampFile, stampOf, stampValid } from '../../../src/cli/config-stamp.js';
import { buildId, fnv1a64 } from '../../../src/cli/daemon/wire.js';
import { COLLIDING_PREFIX, INVALID_NAME, VALID_NAME } from '../../fixtures/config-collision.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-stamp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const configText = (name: string): string => `${COLLIDING_PREFIX}${name}":{"command":"node"}}}`;

describe('the config note', () => {
  it('tells apart two texts crafted to collide under the former FNV-1a hash', () => {
    const valid = configText(VALID_NAME);
    const forged = configText(INVALID_NAME);
    // The attack: same length, same former hash; a note for one was a note for the other.
    expect(forged).not.toBe(valid);
    expect(forged.length).toBe(valid.length);
    expect(fnv1a64(Buffer.from(forged))).toBe(fnv1a64(Buffer.from(valid)));

    expect(stampOf(forged)).not.toBe(stampOf(valid));
  });

  it('is the version that validated the text and the SHA-256 of all of it', () => {
    const text = configText(VALID_NAME);
    const sha256 = createHash('sha256').update(text).digest('hex');
    expect(stampOf(text)).toBe(`${buildId()} sha256:${sha256}\n`);
    // Every byte counts, the last included.
    expect(stampOf(`${text} `)).not.toBe(stampOf(text));
  });

  it('trusts a noted text only: not the colliding one', () => {
    const env = { XDG_RUNTIME_DIR: path.join(dir, 'run') };
    const configPath = path.join(dir, 'mcp.config.json');
    stampValid(configPath, configText(VALID_NAME), env);

    expect(fs.statSync(path.dirname(stampFile(configPath, env))).mode & 0o777).toBe(0o700);
    expect(isStamped(configPath, configText(VALID_NAME), env)).toBe(true);
    expect(isStamped(configPath, configText(INVALID_NAME), env)).toBe(false);
  });
});
