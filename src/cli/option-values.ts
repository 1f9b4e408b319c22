/**
 * commander's side of the grammar's value checks (command-line.ts): a checked option's value becomes a number, and
 * its problem commander's usage error, so the pre-parse and commander refuse the same values with the same words.
 */

import { InvalidArgumentError } from 'commander';
import type { OptionSpec } from './command-line.js';

/** The parser commander calls for `spec`'s value. */
export function checkedNumber(spec: OptionSpec): (value: string) => number {
  return (value) => {
    const problem = spec.check?.(value);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
    return (spec.toNumber ?? Number)(value);
  };
}
