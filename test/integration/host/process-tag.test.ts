/**
 * The process tag (src/host/process-tag.ts) against real processes: a scan finds exactly the processes whose
 * environment carries the tag as a whole value of PROCESS_TAG_VARIABLE, wherever the variable sits, including
 * after the tags of an outer host, and never a process that only looks alike.
 */

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROCESS_TAG_VARIABLE,
  canScan,
  createProcessTag,
  findTaggedProcesses,
  killTaggedProcesses,
  withProcessTag,
} from '../../../src/host/process-tag.js';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process that sleeps with exactly `env`, started after `createProcessTag` as a server would be. */
async function sleeper(env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { env, stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

/** The fork count is read at the next turn of the event loop, as in the host. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe.runIf(process.platform === 'linux')('process tags', () => {
  it('finds the processes that carry the tag, wherever it sits, and nothing that only looks alike', async () => {
    expect(canScan()).toBe(true);
    const tag = createProcessTag();
    await nextTurn();
    expect(tag.forksAtStart).toBeGreaterThan(0);
    const { value } = tag;
    const leader = await sleeper({ PATH: '/usr/bin' });

    const first = await sleeper({ [PROCESS_TAG_VARIABLE]: value, PATH: '/usr/bin' });
    const last = await sleeper({ PATH: '/usr/bin', [PROCESS_TAG_VARIABLE]: value });
    const nested = await sleeper({ [PROCESS_TAG_VARIABLE]: `outer.1,${value},inner.2` });
    await sleeper({ [`X${PROCESS_TAG_VARIABLE}`]: value });
    await sleeper({ [PROCESS_TAG_VARIABLE]: `${value}0` });
    await sleeper({ OTHER: `${PROCESS_TAG_VARIABLE}=${value}` });

    expect(findTaggedProcesses(tag, leader).sort()).toEqual([first, last, nested].sort());
  });

  it('kills them all, each once, and once they are dead a scan finds none', async () => {
    const tag = createProcessTag();
    await nextTurn();
    const leader = await sleeper({});
    const tagged = [await sleeper(withProcessTag({}, tag)), await sleeper(withProcessTag({ A: '1' }, tag))];

    expect(killTaggedProcesses(tag, leader)).toBe(2);

    for (const pid of tagged) {
      const child = children.find((each) => each.pid === pid)!;
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      expect(child.signalCode).toBe('SIGKILL');
    }
    expect(findTaggedProcesses(tag, leader)).toEqual([]);
  });

  it('passes on the tags this process inherited, its own last', () => {
    const tag = createProcessTag();
    const saved = process.env[PROCESS_TAG_VARIABLE];
    process.env[PROCESS_TAG_VARIABLE] = 'outer.1';
    try {
      expect(withProcessTag({ A: '1' }, tag)).toEqual({ A: '1', [PROCESS_TAG_VARIABLE]: `outer.1,${tag.value}` });
    } finally {
      if (saved === undefined) delete process.env[PROCESS_TAG_VARIABLE];
      else process.env[PROCESS_TAG_VARIABLE] = saved;
    }
  });

  it('scans every process when the fork count at start is unknown', async () => {
    const tag = createProcessTag();
    // As if the host closed before the count was read: the tagged process has a pid below the "leader's".
    tag.forksAtStart = undefined;
    const tagged = await sleeper(withProcessTag({}, tag));
    expect(findTaggedProcesses(tag, tagged + 1_000_000)).toEqual([tagged]);
  });
});
