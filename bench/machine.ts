/** What the numbers were measured on: they mean little without it. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO_ROOT } from './paths.js';

export interface MachineInfo {
  node: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  date: string;
  /** The commit measured, with a note when the tree had uncommitted changes. */
  commit: string;
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: describeCommit(),
  };
}

function describeCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain') === '' ? commit : `${commit} with uncommitted changes`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
