/** Failures the weather server reports to the model, each naming what was wrong and what would work. */

import { didYouMean, ToolError } from '../../src/server/index.js';

/**
 * No place matches the `city` argument. Tools answer it as an `isError` result; the resource template as "resource
 * not found" and the prompt as invalid params. `suggestions` are labels that can be passed back as `city` verbatim.
 */
export class CityNotFoundError extends ToolError {
  constructor(
    readonly query: string,
    readonly suggestions: string[],
    detail?: string,
  ) {
    const hint =
      didYouMean(suggestions, { prefix: ' ', asSentence: true }) || ' Try search_cities, or a larger city nearby.';
    super(`city: ${detail ?? `no known city matches ${JSON.stringify(query)}.`}${hint}`);
  }
}

/** A weather service failed: unreachable, slow, or answered with an error. The message names the provider. */
export class ProviderError extends ToolError {}
