/**
 * What a server offers: tools, resources, resource templates and prompts, as declared by its author. The registry
 * is shared by every session of the server and tells them when a list changes, so each can send `list_changed`.
 */

import type * as z from 'zod';
import type { RequestContext, RequestOptions } from '../protocol/connection.js';
import type {
  Annotations,
  CallToolResult,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  Icon,
  LoggingLevel,
  ObjectJsonSchema,
  PromptArgument,
  RequestMeta,
  Root,
  ToolAnnotations,
} from '../protocol/types.js';
import type { ObjectSchema } from './schema.js';
import type { ServerSession } from './session.js';
import type { UriTemplate } from './uri-template.js';
import type { StructuredToolResult, ToolSchema } from './tool-definition.js';

/** Options of a request a handler sends to the client: its own signal and timeout, and the client's progress. */
export type ClientRequestOptions = Pick<
  RequestOptions,
  'signal' | 'timeoutMs' | 'onprogress' | 'resetTimeoutOnProgress' | 'maxTotalTimeoutMs'
>;

/**
 * What every handler gets (tools, prompts, resources, completions): cancellation, progress, logging, and requests
 * back to the client. A request to the client belongs to the request being handled: it is cancelled when that one
 * is cancelled or answered, and a transport with a stream per request sends it on that request's stream.
 */
export interface HandlerContext {
  /** Aborted when the client cancels the request or the connection closes. Pass it to fetch, timers, queries. */
  signal: AbortSignal;
  requestId: RequestContext['requestId'];
  /** The request's `_meta`. */
  meta: RequestMeta | undefined;
  /** The protocol revision agreed with this client. */
  protocolVersion: string;
  /** What the client declared in `initialize`: which of `sample`, `elicit` and `listRoots` it answers. */
  clientCapabilities: ClientCapabilities;
  /** The session of this client, to reach it after the handler returned (`notifyElicitationComplete`). */
  session: ServerSession;
  /** Reports progress when the client asked for it (a `progressToken` in `_meta`); otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends `notifications/message` when `level` is at or above the level the client set. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the client's LLM (`sampling/createMessage`). No time limit of its own unless `timeoutMs` is given: a person
   * may review the request, and the call ends with the request it belongs to.
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `sampling` (`sampling.tools` for
   * tools, `sampling.context` for `includeContext`) or the agreed revision lacks what is asked; `CANCELLED`,
   * `REQUEST_TIMEOUT`, `CONNECTION_CLOSED`; `PROTOCOL_VIOLATION` for a malformed answer; WireError when the client
   * refuses (the user declined).
   */
  sample(params: CreateMessageRequestParams, options?: ClientRequestOptions): Promise<CreateMessageResult>;
  /**
   * Asks the user through the client (`elicitation/create`): a form (`requestedSchema`), or a URL to open
   * (`mode: "url"`, 2025-11-25). No time limit of its own, as for `sample`.
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare the mode (`elicitation`, or
   * `elicitation.url` for URL mode); otherwise as `sample`.
   */
  elicit(params: ElicitRequestParams, options?: ClientRequestOptions): Promise<ElicitResult>;
  /**
   * The client's roots (`roots/list`). @default timeoutMs 60_000
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `roots`; otherwise as `sample`.
   */
  listRoots(options?: ClientRequestOptions): Promise<Root[]>;
}

/** What a completer gets: the handler context, and the other arguments the client already has values for. */
export interface CompletionContext extends HandlerContext {
  arguments: Record<string, string>;
}

/** A body of a resource read: text or binary (a Buffer, or base64 text), with the contents' own `_meta`. */
export type ResourceBody =
  | { text: string; mimeType?: string; _meta?: Record<string, unknown> }
  | { blob: Uint8Array | string; mimeType?: string; _meta?: Record<string, unknown> };

/** Completes one argument from what the user typed so far (plus the other arguments already given). */
export type Completer = (value: string, context: CompletionContext) => string[] | Promise<string[]>;

/** Shared fields of everything listed. */
export interface Listed {
  name: string;
  title?: string;
  description?: string;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

export interface ToolEntry extends Listed {
  /** The arguments' schema (zod, or JSON Schema as given) and its check. */
  input: ToolSchema;
  output: ToolSchema | undefined;
  inputSchema: ObjectJsonSchema;
  outputSchema: ObjectJsonSchema | undefined;
  annotations: ToolAnnotations | undefined;
  handler: (args: unknown, context: HandlerContext) => unknown;
  isEnabled: boolean;
}

export interface ResourceEntry extends Listed {
  uri: string;
  mimeType?: string;
  size?: number;
  annotations?: Annotations;
  read: (
    uri: string,
    context: HandlerContext,
  ) => ResourceBody | ResourceBody[] | Promise<ResourceBody | ResourceBody[]>;
}

export interface TemplateEntry extends Listed {
  template: UriTemplate;
  mimeType?: string;
  annotations?: Annotations;
  complete?: Record<string, Completer>;
  read: (
    uri: string,
    variables: Record<string, string>,
    context: HandlerContext,
  ) => ResourceBody | ResourceBody[] | Promise<ResourceBody | ResourceBody[]>;
}

export interface PromptEntry extends Listed {
  args: ObjectSchema | undefined;
  arguments: PromptArgument[];
  complete?: Record<string, Completer>;
  handler: (args: unknown, context: HandlerContext) => GetPromptResult | string | Promise<GetPromptResult | string>;
}

export type ListKind = 'tools' | 'resources' | 'prompts';

/** The declared features, with change notification. */
export class Registry {
  readonly tools = new Map<string, ToolEntry>();
  readonly resources = new Map<string, ResourceEntry>();
  readonly templates = new Map<string, TemplateEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  private readonly listeners = new Set<(kind: ListKind) => void>();

  /** Tells every session that a list changed. */
  changed(kind: ListKind): void {
    for (const listener of this.listeners) listener(kind);
  }

  onChange(listener: (kind: ListKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  enabledTools(): ToolEntry[] {
    return [...this.tools.values()].filter((tool) => tool.isEnabled);
  }
}

/**
 * The value a tool handler returns: the structured value for a zod `output`; the whole result, with its
 * `structuredContent`, for a JSON Schema `outputSchema` (`S`); else text or a result.
 */
export type ToolReturn<
  O extends ObjectSchema | undefined,
  S extends ObjectJsonSchema | undefined = undefined,
> = O extends ObjectSchema ? z.input<O> : S extends ObjectJsonSchema ? StructuredToolResult : string | CallToolResult;
