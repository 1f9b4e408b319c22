/**
 * The rules of a server's requests to its client (sampling, elicitation, roots): a request goes out only when the
 * client declared the capability it needs and the agreed revision has it, and an answer is used only once it has
 * the shape its schema gives it. A client that breaks the rules is told nothing: the handler that asked gets the
 * error, and decides.
 */

import { describeValue } from '../protocol/describe-value.js';
import { McpHostError } from '../protocol/errors.js';
import { METHOD, NOTIFICATION } from '../protocol/methods.js';
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  ListRootsResult,
  Root,
} from '../protocol/types.js';
import { hasFeature } from './revisions.js';
import { revisionLacks } from './shape.js';

/**
 * The elicitation modes a client declared. 2025-11-25: `elicitation: {}` (all that 2025-06-18 could say) means form
 * mode only; URL mode is there only when `url` is named.
 */
export function elicitationModes(capability: ClientCapabilities['elicitation']): { form: boolean; url: boolean } {
  if (!capability) return { form: false, url: false };
  const hasForm = capability.form !== undefined;
  const hasUrl = capability.url !== undefined;
  return { form: hasForm || !hasUrl, url: hasUrl };
}

/**
 * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `sampling` (or `sampling.tools` for a
 * request with tools, `sampling.context` for `includeContext` other than `"none"` where the revision has it).
 */
export function assertCanSample(
  params: CreateMessageRequestParams,
  capabilities: ClientCapabilities,
  revision: string,
): void {
  const method = METHOD.SAMPLING_CREATE_MESSAGE;
  const sampling = capabilities.sampling;
  if (!sampling) throw capabilityMissing(method, 'sampling');
  if (params.tools !== undefined || params.toolChoice !== undefined) {
    if (!hasFeature(revision, 'samplingTools')) {
      throw revisionLacks(method, revision, 'samplingTools', 'tools in sampling');
    }
    if (!sampling.tools) throw capabilityMissing(method, 'sampling.tools', ' with tools');
  }
  const includeContext = params.includeContext;
  if (
    includeContext !== undefined &&
    includeContext !== 'none' &&
    hasFeature(revision, 'samplingContextCapability') &&
    !sampling.context
  ) {
    throw capabilityMissing(method, 'sampling.context', ` with includeContext "${includeContext}"`);
  }
}

/** @throws McpHostError `CAPABILITY_MISSING` when the client did not declare the elicitation mode asked for. */
export function assertCanElicit(params: ElicitRequestParams, capabilities: ClientCapabilities, revision: string): void {
  const method = METHOD.ELICITATION_CREATE;
  if (!hasFeature(revision, 'elicitation')) throw revisionLacks(method, revision, 'elicitation', 'elicitation');
  if (!capabilities.elicitation) throw capabilityMissing(method, 'elicitation');
  const modes = elicitationModes(capabilities.elicitation);
  if (params.mode === 'url') {
    if (!hasFeature(revision, 'elicitationModes')) {
      throw revisionLacks(method, revision, 'elicitationModes', 'URL-mode elicitation');
    }
    if (!modes.url) throw capabilityMissing(method, 'elicitation.url', ' in URL mode');
  } else if (!modes.form) {
    throw capabilityMissing(method, 'elicitation.form', ' in form mode');
  }
}

/** @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `roots`. */
export function assertCanListRoots(capabilities: ClientCapabilities): void {
  if (!capabilities.roots) throw capabilityMissing(METHOD.ROOTS_LIST, 'roots');
}

/** @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `elicitation.url`. */
export function assertCanCompleteElicitation(capabilities: ClientCapabilities): void {
  if (!elicitationModes(capabilities.elicitation).url) {
    throw capabilityMissing(NOTIFICATION.ELICITATION_COMPLETE, 'elicitation.url');
  }
}

/** @throws McpHostError `PROTOCOL_VIOLATION` when the answer is not a `CreateMessageResult`. */
export function checkCreateMessageResult(result: unknown): CreateMessageResult {
  const value = requireObject(METHOD.SAMPLING_CREATE_MESSAGE, result);
  if (value.role !== 'user' && value.role !== 'assistant') {
    throw malformed(
      METHOD.SAMPLING_CREATE_MESSAGE,
      `"role": expected "user" or "assistant", got ${describeValue(value.role)}`,
    );
  }
  if (typeof value.model !== 'string') {
    throw malformed(METHOD.SAMPLING_CREATE_MESSAGE, `"model": expected a string, got ${describeValue(value.model)}`);
  }
  const blocks: unknown[] = Array.isArray(value.content) ? value.content : [value.content];
  const bad = blocks.find((block) => !isObject(block) || typeof block.type !== 'string');
  if (bad !== undefined || blocks.length === 0) {
    throw malformed(
      METHOD.SAMPLING_CREATE_MESSAGE,
      '"content": expected a content block with a "type", or an array of them',
    );
  }
  return value as unknown as CreateMessageResult;
}

/** @throws McpHostError `PROTOCOL_VIOLATION` when the answer is not an `ElicitResult`. */
export function checkElicitResult(result: unknown): ElicitResult {
  const value = requireObject(METHOD.ELICITATION_CREATE, result);
  if (value.action !== 'accept' && value.action !== 'decline' && value.action !== 'cancel') {
    throw malformed(
      METHOD.ELICITATION_CREATE,
      `"action": expected "accept", "decline" or "cancel", got ${describeValue(value.action)}`,
    );
  }
  if (value.content !== undefined && !isObject(value.content)) {
    throw malformed(METHOD.ELICITATION_CREATE, `"content": expected an object, got ${describeValue(value.content)}`);
  }
  return value as unknown as ElicitResult;
}

/** @throws McpHostError `PROTOCOL_VIOLATION` when the answer is not a `ListRootsResult`. */
export function checkListRootsResult(result: unknown): ListRootsResult {
  const value = requireObject(METHOD.ROOTS_LIST, result);
  if (!Array.isArray(value.roots)) {
    throw malformed(METHOD.ROOTS_LIST, `"roots": expected an array, got ${describeValue(value.roots)}`);
  }
  const index = value.roots.findIndex((root: unknown) => !isObject(root) || typeof root.uri !== 'string');
  if (index !== -1) throw malformed(METHOD.ROOTS_LIST, `"roots.${index}.uri": expected a string`);
  return value as unknown as ListRootsResult & { roots: Root[] };
}

/** `detail` says which use of the method needs the capability (` in URL mode`). */
function capabilityMissing(method: string, capability: string, detail = ''): McpHostError<'CAPABILITY_MISSING'> {
  return new McpHostError(
    'CAPABILITY_MISSING',
    `${method}${detail}: the client did not declare the ${capability} capability`,
    { method, capability },
  );
}

function requireObject(method: string, result: unknown): Record<string, unknown> {
  if (!isObject(result)) throw malformed(method, `expected an object, got ${describeValue(result)}`);
  return result;
}

function malformed(method: string, problem: string): McpHostError<'PROTOCOL_VIOLATION'> {
  return new McpHostError('PROTOCOL_VIOLATION', `The client's answer to ${method} is malformed: ${problem}`, {
    method,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
