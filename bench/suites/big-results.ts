/**
 * One large tool result per process: time of the call and memory growth of each side. Each stack reads it with a
 * 64 MiB limit (our default; the SDK's raised from 10 MiB), and the SDK once more with its default, to show what
 * its users get out of the box.
 */
import type { BigResult } from '../drivers/big-result.js';
import { alternate, runDriver } from '../measure.js';
import { MIB } from '../options.js';
import type { Plan } from '../options.js';
import type { StackName } from '../stacks/stack.js';
import { newSeries } from '../stats.js';
import type { Series } from '../stats.js';

/** Enough for a 50 MiB text plus its JSON escaping. */
const RAISED_LIMIT_BYTES = 64 * MIB;

export type BigVariantId = StackName | 'sdk-default-limit';

export interface BigRow {
  variant: BigVariantId;
  label: string;
  bytes: number;
  seconds: Series;
  clientPeakRssBytes: Series;
  clientGrowthBytes: Series;
  serverPeakRssBytes: Series;
  serverGrowthBytes: Series;
}

export interface BigSuiteResult {
  rows: BigRow[];
}

const VARIANTS: { variant: BigVariantId; stack: StackName; label: string; limitBytes?: number }[] = [
  { variant: 'sdk', stack: 'sdk', label: 'SDK (limit raised to 64 MiB)', limitBytes: RAISED_LIMIT_BYTES },
  { variant: 'ours', stack: 'ours', label: 'ours (64 MiB limit)', limitBytes: RAISED_LIMIT_BYTES },
  { variant: 'bare', stack: 'bare', label: 'bare (no limit)', limitBytes: RAISED_LIMIT_BYTES },
  { variant: 'sdk-default-limit', stack: 'sdk', label: 'SDK (default 10 MiB limit)' },
];

export function findBigRow(result: BigSuiteResult, variant: BigVariantId, bytes: number): BigRow | undefined {
  return result.rows.find((row) => row.variant === variant && row.bytes === bytes);
}

export function runBigResultsSuite(plan: Plan): BigSuiteResult {
  const rows: BigRow[] = [];
  for (const { bytes, rounds } of plan.big) {
    const cases = VARIANTS.map((variant) => {
      const row: BigRow = {
        variant: variant.variant,
        label: variant.label,
        bytes,
        seconds: newSeries(),
        clientPeakRssBytes: newSeries(),
        clientGrowthBytes: newSeries(),
        serverPeakRssBytes: newSeries(),
        serverGrowthBytes: newSeries(),
      };
      rows.push(row);
      return { ...variant, row };
    });
    alternate(
      `big results, ${bytes / MIB} MiB`,
      rounds,
      cases,
      ({ row }) => row.seconds.failures.length > 0,
      ({ stack, limitBytes, row }) => {
        const args: (string | number)[] = [stack, stack, bytes];
        if (limitBytes !== undefined) args.push(limitBytes);
        const run = runDriver<BigResult>('big-result', args, plan.env);
        const { result } = run;
        if (run.failure !== undefined || result === undefined) {
          row.seconds.failures.push(run.failure ?? 'the driver printed no result');
          return;
        }
        row.seconds.values.push(result.elapsedMs / 1000);
        row.clientPeakRssBytes.values.push(result.clientPeakRssBytes);
        row.clientGrowthBytes.values.push(result.clientGrowthBytes);
        row.serverPeakRssBytes.values.push(result.serverPeakRssBytes);
        row.serverGrowthBytes.values.push(result.serverGrowthBytes);
      },
    );
  }
  return { rows };
}
