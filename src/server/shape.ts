/**
 * The one place that fits what a server sends to the revision its client agreed: a 2024-11-05 client is never sent
 * a field, a content type or a capability that revision does not have. What each revision has is `revisions.ts`'s
 * table; handlers always write the newest revision's shapes.
 *
 * A field the revision lacks is left out. A content block it lacks becomes a text block that says what was there
 * (a prompt message must keep its one block, and a model reading a tool result should know a link or audio was
 * left out). Values are copied, never changed in place: a handler may return the same object to every client.
 */

import { McpHostError } from '../protocol/errors.js';
import { METHOD } from '../protocol/methods.js';
import type {
  Annotations,
  CallToolResult,
  ContentBlock,
  CreateMessageRequestParams,
  ElicitRequestParams,
  GetPromptResult,
  InitializeResult,
  ListPromptsResult,
  ListResourceTemplatesResult,
  ListResourcesResult,
  ListToolsResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  SamplingMessage,
  SamplingMessageContentBlock,
  ServerCapabilities,
} from '../protocol/types.js';
import { LATEST_PROTOCOL_VERSION } from '../protocol/versions.js';
import { REVISION_FEATURES, hasFeature } from './revisions.js';
import type { RevisionFeature } from './revisions.js';

/** A field and the feature a revision needs to carry it. */
type FieldRule = readonly [field: string, feature: RevisionFeature];

const LISTED_FIELDS: readonly FieldRule[] = [
  ['title', 'titles'],
  ['icons', 'icons'],
  ['_meta', 'objectMeta'],
];
const TOOL_FIELDS: readonly FieldRule[] = [
  ...LISTED_FIELDS,
  ['annotations', 'toolAnnotations'],
  ['outputSchema', 'structuredContent'],
  ['execution', 'toolExecution'],
];
const IMPLEMENTATION_FIELDS: readonly FieldRule[] = [
  ['title', 'titles'],
  ['icons', 'icons'],
  ['description', 'implementationDetails'],
  ['websiteUrl', 'implementationDetails'],
];
const META_FIELD: readonly FieldRule[] = [['_meta', 'objectMeta']];
const SAMPLING_MESSAGE_FIELDS: readonly FieldRule[] = [['_meta', 'samplingMessageMeta']];
const PROMPT_ARGUMENT_FIELDS: readonly FieldRule[] = [['title', 'titles']];
const ANNOTATION_FIELDS: readonly FieldRule[] = [['lastModified', 'lastModified']];

/**
 * The result of `method` as `revision` has it. Results of the newest revision pass untouched (no copy: this runs
 * on every answer).
 */
export function shapeResult(method: string, result: unknown, revision: string): unknown {
  if (revision === LATEST_PROTOCOL_VERSION || typeof result !== 'object' || result === null) return result;
  switch (method) {
    case METHOD.INITIALIZE: {
      const value = result as InitializeResult;
      return {
        ...value,
        capabilities: shapeCapabilities(value.capabilities, revision),
        serverInfo: dropFields(value.serverInfo, IMPLEMENTATION_FIELDS, revision),
      };
    }
    case METHOD.TOOLS_LIST: {
      const value = result as ListToolsResult;
      return { ...value, tools: value.tools.map((tool) => dropFields(tool, TOOL_FIELDS, revision)) };
    }
    case METHOD.TOOLS_CALL:
      return shapeToolResult(result as CallToolResult, revision);
    case METHOD.RESOURCES_LIST: {
      const value = result as ListResourcesResult;
      return { ...value, resources: value.resources.map((resource) => shapeResource(resource, revision)) };
    }
    case METHOD.RESOURCES_TEMPLATES_LIST: {
      const value = result as ListResourceTemplatesResult;
      return {
        ...value,
        resourceTemplates: value.resourceTemplates.map((template) => shapeResource(template, revision)),
      };
    }
    case METHOD.RESOURCES_READ: {
      const value = result as ReadResourceResult;
      return { ...value, contents: value.contents.map((contents) => dropFields(contents, META_FIELD, revision)) };
    }
    case METHOD.PROMPTS_LIST: {
      const value = result as ListPromptsResult;
      return { ...value, prompts: value.prompts.map((prompt) => shapePrompt(prompt, revision)) };
    }
    case METHOD.PROMPTS_GET: {
      const value = result as GetPromptResult;
      return {
        ...value,
        messages: value.messages.map((message) => ({ ...message, content: shapeContent(message.content, revision) })),
      };
    }
    default:
      return result;
  }
}

/**
 * The capabilities a server declares to a client of `revision`. 2024-11-05 has no `completions` capability (it
 * served `completion/complete` without one), so the session still serves it there: see `ServerSession`.
 */
export function shapeCapabilities(capabilities: ServerCapabilities, revision: string): ServerCapabilities {
  if (hasFeature(revision, 'completionsCapability') || capabilities.completions === undefined) return capabilities;
  const { completions: _completions, ...rest } = capabilities;
  return rest;
}

/**
 * A `sampling/createMessage` request as `revision` has it. What only changes how a request is carried is adapted
 * (a message's one-block array becomes the block; `_meta` the revision lacks is left out); what would change what
 * is asked (tools, tool use, several blocks in a message, audio) fails instead.
 * @throws McpHostError `CAPABILITY_MISSING` naming the revision and what it lacks.
 */
export function shapeSamplingRequest(params: CreateMessageRequestParams, revision: string): CreateMessageRequestParams {
  if (revision === LATEST_PROTOCOL_VERSION) return params;
  const method = METHOD.SAMPLING_CREATE_MESSAGE;
  if (params.tools !== undefined || params.toolChoice !== undefined) {
    throw revisionLacks(method, revision, 'samplingTools', 'tools in sampling');
  }
  const messages = params.messages.map((message): SamplingMessage => {
    let content = message.content;
    if (Array.isArray(content)) {
      if (content.length !== 1) {
        throw revisionLacks(method, revision, 'samplingTools', 'messages of several content blocks');
      }
      content = content[0]!;
    }
    const block = content;
    if (block.type === 'tool_use' || block.type === 'tool_result') {
      throw revisionLacks(method, revision, 'samplingTools', `${block.type} content`);
    }
    if (block.type === 'audio' && !hasFeature(revision, 'audioContent')) {
      throw revisionLacks(method, revision, 'audioContent', 'audio content');
    }
    return dropFields({ ...message, content: shapeBlockFields(block, revision) }, SAMPLING_MESSAGE_FIELDS, revision);
  });
  return { ...params, messages };
}

/** An `elicitation/create` request as `revision` has it: before 2025-11-25 a form has no `mode` field. */
export function shapeElicitRequest(params: ElicitRequestParams, revision: string): ElicitRequestParams {
  if (hasFeature(revision, 'elicitationModes') || params.mode === undefined) return params;
  const { mode: _mode, ...rest } = params;
  return rest as ElicitRequestParams;
}

/** The error for a request the agreed revision cannot carry. */
export function revisionLacks(
  method: string,
  revision: string,
  feature: RevisionFeature,
  what: string,
): McpHostError<'CAPABILITY_MISSING'> {
  const { since } = REVISION_FEATURES[feature];
  return new McpHostError(
    'CAPABILITY_MISSING',
    `${method}: the protocol revision agreed with this client (${revision}) has no ${what}; it came in ${since}`,
    { method, protocolVersion: revision, feature },
  );
}

function shapeToolResult(result: CallToolResult, revision: string): CallToolResult {
  const content = Array.isArray(result.content) ? result.content.map((block) => shapeContent(block, revision)) : [];
  if (result.structuredContent === undefined || hasFeature(revision, 'structuredContent')) {
    return { ...result, content };
  }
  const { structuredContent, ...rest } = result;
  // The spec asks a tool with structured output to repeat it as text; when it did not, the text is all this client
  // can read, so it is added.
  const hasText = content.some((block) => block.type === 'text');
  return {
    ...rest,
    content: hasText ? content : [...content, { type: 'text', text: JSON.stringify(structuredContent) }],
  };
}

function shapeResource<T extends Resource | ResourceTemplate>(resource: T, revision: string): T {
  const shaped = dropFields(resource, LISTED_FIELDS, revision);
  return shaped.annotations ? { ...shaped, annotations: shapeAnnotations(shaped.annotations, revision) } : shaped;
}

function shapePrompt(prompt: Prompt, revision: string): Prompt {
  const shaped = dropFields(prompt, LISTED_FIELDS, revision);
  if (!shaped.arguments) return shaped;
  return {
    ...shaped,
    arguments: shaped.arguments.map((argument) => dropFields(argument, PROMPT_ARGUMENT_FIELDS, revision)),
  };
}

/** A content block of a tool result or prompt message, or the text that stands for a type the revision lacks. */
function shapeContent(block: ContentBlock, revision: string): ContentBlock {
  if (block.type === 'audio' && !hasFeature(revision, 'audioContent')) {
    return {
      type: 'text',
      text: `[audio (${block.mimeType}) left out: protocol revision ${revision} cannot carry audio]`,
    };
  }
  if (block.type === 'resource_link') {
    if (!hasFeature(revision, 'resourceLinks')) {
      const label = block.title ?? block.name;
      const about = block.description ? ` - ${block.description}` : '';
      return { type: 'text', text: `Resource link: ${block.uri} (${label})${about}` };
    }
    return shapeResource(block, revision);
  }
  const shaped = shapeBlockFields(block, revision);
  if (shaped.type !== 'resource') return shaped;
  return { ...shaped, resource: dropFields<ResourceContents>(shaped.resource, META_FIELD, revision) };
}

/** `_meta` and annotations of one block, as the revision has them. */
function shapeBlockFields<T extends ContentBlock | SamplingMessageContentBlock>(block: T, revision: string): T {
  const shaped = dropFields(block, META_FIELD, revision);
  if (!('annotations' in shaped) || !shaped.annotations) return shaped;
  return { ...shaped, annotations: shapeAnnotations(shaped.annotations, revision) };
}

function shapeAnnotations(annotations: Annotations, revision: string): Annotations {
  return dropFields(annotations, ANNOTATION_FIELDS, revision);
}

/** `value` without the fields `revision` lacks; `value` itself when it has none of them. */
function dropFields<T extends object>(value: T, rules: readonly FieldRule[], revision: string): T {
  let copy: Record<string, unknown> | undefined;
  for (const [field, feature] of rules) {
    if (field in value && !hasFeature(revision, feature)) {
      copy ??= { ...value } as Record<string, unknown>;
      delete copy[field];
    }
  }
  return (copy ?? value) as T;
}
