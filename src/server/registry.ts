/**
 * What a server offers: tools, resources, resource templates and prompts, as declared by its author. The registry
 * is shared by every session of the server and tells them when a list changes, so each can send `list_changed`.
 */

import type * as z from 'zod';
import type { RequestContext } from '../protocol/connection.js';
import type {
  Annotations,
  CallToolResult,
  GetPromptResult,
  Icon,
  LoggingLevel,
  ObjectJsonSchema,
  PromptArgument,
  RequestMeta,
  ToolAnnotations,
} from '../protocol/types.js';
import type { ObjectSchema } from './schema.js';
import type { UriTemplate } from './uri-template.js';
import type { StructuredToolResult, ToolSchema } from './tool-definition.js';

/** What every handler gets: cancellation, progress, logging, and the session for requests back to the client. */
export interface HandlerContext {
  /** Aborted when the client cancels the request or the connection closes. Pass it to fetch, timers, queries. */
  signal: AbortSignal;
  requestId: RequestContext['requestId'];
  /** The request's `_meta`. */
  meta: RequestMeta | undefined;
  /** The protocol revision agreed with this client. */
  protocolVersion: string;
  /** Reports progress when the client asked for it (a `progressToken` in `_meta`); otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends `notifications/message` when `level` is at or above the level the client set. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
}

/** A body of a resource read: text or binary (a Buffer, or base64 text). */
export type ResourceBody = { text: string; mimeType?: string } | { blob: Uint8Array | string; mimeType?: string };

/** Completes one argument from what the user typed so far (plus the other arguments already given). */
export type Completer = (value: string, context: { arguments: Record<string, string> }) => string[] | Promise<string[]>;

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
