/** Everything one run measured; a suite left out by `--only` is undefined. */
import type { Plan } from './options.js';
import type { MachineInfo } from './machine.js';
import type { BigSuiteResult } from './suites/big-results.js';
import type { ColdResult } from './suites/cold.js';
import type { DiscoverySuiteResult } from './suites/discovery.js';
import type { ThroughputSuiteResult } from './suites/throughput.js';

export interface BenchResults {
  machine: MachineInfo;
  isQuick: boolean;
  isEnvInherited: boolean;
  plan: Plan;
  cold?: ColdResult;
  throughput?: ThroughputSuiteResult;
  big?: BigSuiteResult;
  discovery?: DiscoverySuiteResult;
}
