/**
 * The framework for writing MCP servers: declare tools, resources, templates and prompts with zod, then serve.
 *
 * ```ts
 * const server = defineServer({ name: 'weather', version: '1.0.0' });
 * server.tool('get_forecast', { description: '…', input: z.object({ city: z.string() }) }, async ({ city }, ctx) => …);
 * // Or a JSON Schema, published as it is; the handler then gets Record<string, unknown>:
 * server.tool('find', { description: '…', inputSchema: { type: 'object', anyOf: [ … ] } }, async (args) => …);
 * await serveStdio(server);
 * ```
 */

import type * as z from 'zod';
import type { McpConnectionOptions } from '../protocol/connection.js';
import type { MessageTransport } from '../protocol/transport.js';
import type {
  Annotations,
  Icon,
  Implementation,
  LoggingLevel,
  ObjectJsonSchema,
  PromptArgument,
  ToolAnnotations,
} from '../protocol/types.js';
import { DEFAULT_PAGE_SIZE } from './pagination.js';
import { Registry } from './registry.js';
import type {
  Completer,
  HandlerContext,
  PromptEntry,
  ResourceBody,
  ResourceEntry,
  TemplateEntry,
  ToolEntry,
  ToolReturn,
} from './registry.js';
import type { ObjectSchema } from './schema.js';
import { ServerSession } from './session.js';
import type { ServerSettings } from './session.js';
import { jsonToolSchema, zodToolSchema } from './tool-definition.js';
import { compileUriTemplate } from './uri-template.js';

export interface ServerOptions extends Implementation {
  /** Shown to the client in `initialize`: how to use this server. */
  instructions?: string;
  /** Items per page of every list. @default 100 */
  pageSize?: number;
  /** Declare `resources.subscribe`; call `notifyResourceUpdated(uri)` when a resource changes. @default false */
  resourceSubscriptions?: boolean;
  /** Declare a feature before anything of that kind is registered, to add it at run time. */
  declare?: ServerSettings['declare'];
}

/** What a tool declares beside its schemas. */
export interface ToolDescription {
  title?: string;
  description: string;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

/** The arguments: a zod object (`input`) or a JSON Schema (`inputSchema`), exactly one of them. */
export type ToolInputOptions<I extends ObjectSchema | undefined> =
  | {
      /** The arguments as a zod object; published as `inputSchema`. Each field should carry `.describe()`. */
      input: I;
      inputSchema?: never;
    }
  | {
      input?: never;
      /**
       * The arguments as JSON Schema (2020-12 unless `$schema` says otherwise; 2019-09 and draft-07 too), published
       * as this very object and checked on each call; the handler gets them as `Record<string, unknown>`. The root
       * is `type: "object"`, as MCP asks. Treat it as immutable once registered.
       */
      inputSchema: ObjectJsonSchema;
    };

/** The structured result: a zod object (`output`), a JSON Schema (`outputSchema`), or neither. */
export type ToolOutputOptions<O extends ObjectSchema | undefined, S extends ObjectJsonSchema | undefined> =
  | {
      /** The structured result as a zod object; published as `outputSchema`. The handler returns the object. */
      output?: O;
      outputSchema?: never;
    }
  | {
      output?: never;
      /**
       * The structured result as JSON Schema, published as this very object. The handler returns the whole result,
       * `{ structuredContent, content? }` (see `StructuredToolResult`); `structuredContent` is checked against it.
       */
      outputSchema: S;
    };

/**
 * A tool's options: a description, the arguments' schema (zod `input` or JSON Schema `inputSchema`) and optionally
 * the result's (zod `output` or JSON Schema `outputSchema`).
 */
export type ToolOptions<
  I extends ObjectSchema | undefined = ObjectSchema,
  O extends ObjectSchema | undefined = undefined,
  S extends ObjectJsonSchema | undefined = undefined,
> = ToolDescription & ToolInputOptions<I> & ToolOutputOptions<O, S>;

/** The arguments a handler gets: zod's output for a zod `input`, the JSON object as sent for an `inputSchema`. */
export type ToolArguments<I extends ObjectSchema | undefined> = I extends ObjectSchema
  ? z.output<I>
  : Record<string, unknown>;

export interface ResourceOptions {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

export interface TemplateOptions extends Omit<ResourceOptions, 'uri' | 'size'> {
  /** RFC 6570 template with `{name}` or `{+name}` expressions. */
  uriTemplate: string;
  /** Completers for template variables (`completion/complete` with `ref/resource`). */
  complete?: Record<string, Completer>;
}

export interface PromptOptions<A extends ObjectSchema | undefined> {
  title?: string;
  description?: string;
  /** The arguments: an object of string fields (optional ones with `.optional()`), each with `.describe()`. */
  args?: A;
  complete?: Record<string, Completer>;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

/** A registration that can be switched off or removed at run time; clients are told the list changed. */
export interface Registration {
  remove(): void;
}

export interface ToolRegistration extends Registration {
  enable(): void;
  disable(): void;
}

/** An MCP server definition. One definition can serve any number of sessions (`connect`). */
export class McpServer {
  private readonly registry = new Registry();
  private readonly sessions = new Set<ServerSession>();
  private readonly settings: ServerSettings;

  constructor(options: ServerOptions) {
    const { instructions, pageSize, resourceSubscriptions, declare, ...info } = options;
    this.settings = {
      info,
      instructions,
      pageSize: pageSize ?? DEFAULT_PAGE_SIZE,
      resourceSubscriptions: resourceSubscriptions ?? false,
      declare: declare ?? {},
    };
  }

  /**
   * Declares a tool. Arguments that do not match its schema answer with an `isError` result naming every field at
   * fault, as does a result that does not match its output schema; a handler that throws `ToolError` (or any
   * error) answers with an `isError` result too.
   * @throws Error when the name is taken, or the schemas are not what MCP allows (both or neither of `input` and
   * `inputSchema`, a root that is not `type: "object"`, an unknown `$schema`).
   */
  tool<
    I extends ObjectSchema | undefined = undefined,
    O extends ObjectSchema | undefined = undefined,
    S extends ObjectJsonSchema | undefined = undefined,
  >(
    name: string,
    options: ToolOptions<I, O, S>,
    handler: (args: ToolArguments<I>, context: HandlerContext) => ToolReturn<O, S> | Promise<ToolReturn<O, S>>,
  ): ToolRegistration {
    const {
      input: zodInput,
      inputSchema: jsonInput,
      output: zodOutput,
      outputSchema: jsonOutput,
      annotations,
      ...listed
    } = options as ToolDescription & {
      input?: ObjectSchema;
      inputSchema?: ObjectJsonSchema;
      output?: ObjectSchema;
      outputSchema?: ObjectJsonSchema;
    };
    this.assertNew(this.registry.tools, name, 'tool');
    // JavaScript callers get past the types: say which declaration is wrong rather than publish something odd.
    if ((zodInput === undefined) === (jsonInput === undefined)) {
      throw new Error(`Tool ${JSON.stringify(name)}: declare its arguments with exactly one of input and inputSchema`);
    }
    if (zodOutput !== undefined && jsonOutput !== undefined) {
      throw new Error(`Tool ${JSON.stringify(name)}: declare its result with output or outputSchema, not both`);
    }
    const input = zodInput ? zodToolSchema(zodInput, 'inputSchema') : jsonToolSchema(jsonInput!, 'inputSchema', name);
    const output = zodOutput
      ? zodToolSchema(zodOutput, 'outputSchema')
      : jsonOutput && jsonToolSchema(jsonOutput, 'outputSchema', name);
    const entry: ToolEntry = {
      ...listed,
      name,
      input,
      output,
      inputSchema: input.json,
      outputSchema: output?.json,
      annotations,
      handler: handler as ToolEntry['handler'],
      isEnabled: true,
    };
    this.registry.tools.set(name, entry);
    this.registry.changed('tools');
    const setEnabled = (isEnabled: boolean): void => {
      if (entry.isEnabled === isEnabled) return;
      entry.isEnabled = isEnabled;
      this.registry.changed('tools');
    };
    return {
      enable: () => setEnabled(true),
      disable: () => setEnabled(false),
      remove: () => this.remove(this.registry.tools, name, 'tools'),
    };
  }

  /** Declares a resource at a fixed URI. */
  resource(options: ResourceOptions, read: ResourceEntry['read']): Registration {
    this.assertNew(this.registry.resources, options.uri, 'resource');
    this.registry.resources.set(options.uri, { ...options, read });
    this.registry.changed('resources');
    return { remove: () => this.remove(this.registry.resources, options.uri, 'resources') };
  }

  /** Declares a family of resources by URI template; `read` gets the matched variables. */
  resourceTemplate(
    options: TemplateOptions,
    read: (
      uri: string,
      variables: Record<string, string>,
      context: HandlerContext,
    ) => ResourceBody | ResourceBody[] | Promise<ResourceBody | ResourceBody[]>,
  ): Registration {
    const { uriTemplate, ...rest } = options;
    this.assertNew(this.registry.templates, uriTemplate, 'resource template');
    const entry: TemplateEntry = { ...rest, template: compileUriTemplate(uriTemplate), read };
    this.registry.templates.set(uriTemplate, entry);
    this.registry.changed('resources');
    return { remove: () => this.remove(this.registry.templates, uriTemplate, 'resources') };
  }

  /** Declares a prompt. Its arguments are validated; bad ones answer with -32602 naming the argument. */
  prompt<A extends ObjectSchema | undefined = undefined>(
    name: string,
    options: PromptOptions<A>,
    handler: PromptEntry['handler'] extends (args: unknown, context: HandlerContext) => infer R
      ? (args: A extends ObjectSchema ? z.output<A> : Record<string, never>, context: HandlerContext) => R
      : never,
  ): Registration {
    const { args, complete, ...listed } = options;
    this.assertNew(this.registry.prompts, name, 'prompt');
    this.registry.prompts.set(name, {
      ...listed,
      name,
      args,
      arguments: args ? promptArguments(args) : [],
      complete,
      handler: handler as PromptEntry['handler'],
    });
    this.registry.changed('prompts');
    return { remove: () => this.remove(this.registry.prompts, name, 'prompts') };
  }

  /** Serves one client over a transport, which the session then owns. The session ends when the connection closes. */
  connect(transport: MessageTransport, options?: McpConnectionOptions): ServerSession {
    const session = new ServerSession(this.registry, this.settings, transport, options);
    this.sessions.add(session);
    session.connection.onClose(() => this.sessions.delete(session));
    session.listen();
    return session;
  }

  /**
   * Tells the clients subscribed to `uri` (`resources/subscribe`) that it changed; every other session hears
   * nothing. Needs `resourceSubscriptions`: without it no client can subscribe.
   */
  async notifyResourceUpdated(uri: string): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.notifyResourceUpdated(uri)));
  }

  /** Logs to every client whose level lets the message through. */
  async log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.log(level, data, logger)));
  }

  /** Closes every session. */
  close(): void {
    for (const session of this.sessions) session.close();
  }

  private assertNew(map: Map<string, unknown>, key: string, kind: string): void {
    if (map.has(key)) throw new Error(`A ${kind} named ${JSON.stringify(key)} is already registered`);
  }

  private remove(map: Map<string, unknown>, key: string, kind: 'tools' | 'resources' | 'prompts'): void {
    if (map.delete(key)) this.registry.changed(kind);
  }
}

/** Creates a server definition. */
export function defineServer(options: ServerOptions): McpServer {
  return new McpServer(options);
}

/** Prompt arguments as listed: name, description and whether required, from the zod object. */
function promptArguments(schema: ObjectSchema): PromptArgument[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    const argument: PromptArgument = { name, required: !type.safeParse(undefined).success };
    if (type.description) argument.description = type.description;
    return argument;
  });
}
