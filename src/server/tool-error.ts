/**
 * A failure a tool reports to the model as a result (`isError: true`), not as a protocol error: the model can read
 * it and try again. Throw it from a handler with a message that says what was wrong and what is expected.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}
