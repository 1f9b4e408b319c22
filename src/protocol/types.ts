/**
 * Type declarations for every message of the Model Context Protocol, revision 2025-11-25.
 *
 * Written from the official schema (`schema/2025-11-25/schema.ts` in modelcontextprotocol/modelcontextprotocol),
 * which is the authority. Names follow the schema, except that `JSONRPC*` becomes `JsonRpc*`, the schema's `Error`
 * becomes `JsonRpcErrorObject`, and `ResourceContents` is the union of text and blob contents (the schema's base
 * interface is `ResourceContentsBase` here). Open JSON is `unknown`, never `any`.
 *
 * Message params (and `Task`) are object type aliases rather than interfaces so that they get an implicit index
 * signature: that keeps every typed request and notification assignable to the open wire types `JsonRpcRequest`
 * and `JsonRpcNotification`, whose `params` is `{ [key: string]: unknown }`.
 *
 * Apart from `LOGGING_LEVELS`, this module holds types only.
 */

/* ------------------------------------------------------------------------------------------------------------------ */
/* JSON-RPC                                                                                                           */
/* ------------------------------------------------------------------------------------------------------------------ */

/** The protocol revision these types describe. */
export type LatestProtocolVersion = '2025-11-25';

/** The JSON-RPC version string every message carries. */
export type JsonRpcVersion = '2.0';

/** A uniquely identifying id for a request in JSON-RPC (MCP forbids null). */
export type RequestId = string | number;

/** A token that ties progress notifications to the request they report on. */
export type ProgressToken = string | number;

/** An opaque pagination cursor. */
export type Cursor = string;

/** A `_meta` object: reserved metadata attached to params, results and many protocol objects. */
export interface Meta {
  [key: string]: unknown;
}

/** The `_meta` object of request params; may carry a progress token. */
export interface RequestMeta {
  /** Asks the receiver for `notifications/progress` tagged with this token. */
  progressToken?: ProgressToken;
  [key: string]: unknown;
}

/** Params common to every request. */
export type RequestParams = {
  _meta?: RequestMeta;
};

/** Params common to every notification. */
export type NotificationParams = {
  _meta?: Meta;
};

/** Params of a request that may be augmented to run as a task (2025-11-25, experimental). */
export type TaskAugmentedRequestParams = RequestParams & {
  /** If present, the receiver returns a `CreateTaskResult` at once; the real result comes from `tasks/result`. */
  task?: TaskMetadata;
};

/** The result of any request. */
export interface Result {
  _meta?: Meta;
  [key: string]: unknown;
}

/** A result that carries no data (e.g. the answer to `ping`). */
export type EmptyResult = Result;

/** The `error` member of a JSON-RPC error response. */
export interface JsonRpcErrorObject {
  /** The error type that occurred. */
  code: number;
  /** A short, single-sentence description of the error. */
  message: string;
  /** Extra information defined by the sender. */
  data?: unknown;
}

/** A request that expects a response. */
export interface JsonRpcRequest {
  jsonrpc: JsonRpcVersion;
  id: RequestId;
  method: string;
  params?: { [key: string]: unknown };
}

/** A notification, which expects no response. */
export interface JsonRpcNotification {
  jsonrpc: JsonRpcVersion;
  method: string;
  params?: { [key: string]: unknown };
}

/** A successful (non-error) response to a request. */
export interface JsonRpcResultResponse {
  jsonrpc: JsonRpcVersion;
  id: RequestId;
  result: Result;
}

/** A response that reports an error. `id` may be absent when the request id could not be determined. */
export interface JsonRpcErrorResponse {
  jsonrpc: JsonRpcVersion;
  id?: RequestId;
  error: JsonRpcErrorObject;
}

/** A response to a request: either a result or an error. */
export type JsonRpcResponse = JsonRpcResultResponse | JsonRpcErrorResponse;

/** Any JSON-RPC message MCP sends or receives (no batches). */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/**
 * The answers to one JSON-RPC batch, in one array. Only revision 2025-03-26 has batches (its `JSONRPCBatchResponse`):
 * a server of that revision must accept them, and 2025-06-18 removed them again.
 */
export type JsonRpcBatchResponse = JsonRpcResponse[];

/** The standard JSON-RPC error codes: parse error, invalid request, method not found, invalid params, internal. */
export type StandardJsonRpcErrorCode = -32700 | -32600 | -32601 | -32602 | -32603;

/** The MCP error code telling the client that URL-mode elicitation must be completed first. */
export type UrlElicitationRequiredErrorCode = -32042;

/** An error response asking the client to complete one or more URL-mode elicitations before retrying. */
export interface UrlElicitationRequiredError extends Omit<JsonRpcErrorResponse, 'error'> {
  error: JsonRpcErrorObject & {
    code: UrlElicitationRequiredErrorCode;
    data: {
      elicitations: ElicitRequestURLParams[];
      [key: string]: unknown;
    };
  };
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Common types                                                                                                       */
/* ------------------------------------------------------------------------------------------------------------------ */

/** An optionally sized icon a user interface can display. */
export interface Icon {
  /** An http(s) URL or a `data:` URI with base64 image data. */
  src: string;
  /** MIME type override, e.g. `image/png`. */
  mimeType?: string;
  /** Sizes such as `48x48`, or `any` for scalable formats. */
  sizes?: string[];
  /** The background theme the icon is designed for. */
  theme?: 'light' | 'dark';
}

/** Mixin for objects that may carry icons. */
export interface Icons {
  icons?: Icon[];
}

/** Mixin for objects with a programmatic `name` and an optional display `title`. */
export interface BaseMetadata {
  /** Identifier for programmatic use; also the display fallback when `title` is absent. */
  name: string;
  /** Human-readable display name. */
  title?: string;
}

/** The sender or recipient of messages and data in a conversation. */
export type Role = 'user' | 'assistant';

/** Hints a client can use to decide how to use or display an object. */
export interface Annotations {
  /** Who the object is meant for. */
  audience?: Role[];
  /** Importance from 0 (optional) to 1 (effectively required). */
  priority?: number;
  /** ISO 8601 timestamp of the last modification. */
  lastModified?: string;
}

/** A JSON Schema object whose root is `type: "object"`, as used by `Tool.inputSchema` and `Tool.outputSchema`. */
export interface ObjectJsonSchema {
  /** The JSON Schema dialect; JSON Schema 2020-12 when absent. */
  $schema?: string;
  type: 'object';
  properties?: { [key: string]: object };
  required?: string[];
  [key: string]: unknown;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Cancellation, ping, progress                                                                                       */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Params of `notifications/cancelled`. */
export type CancelledNotificationParams = NotificationParams & {
  /** The id of the request to cancel; required for non-task requests, never used for tasks (use `tasks/cancel`). */
  requestId?: RequestId;
  /** Why the request is being cancelled. */
  reason?: string;
};

/** Sent by either side to cancel a request it issued earlier. */
export interface CancelledNotification extends JsonRpcNotification {
  method: 'notifications/cancelled';
  params: CancelledNotificationParams;
}

/** A liveness check, sent by either side. */
export interface PingRequest extends JsonRpcRequest {
  method: 'ping';
  params?: RequestParams;
}

/** Params of `notifications/progress`. */
export type ProgressNotificationParams = NotificationParams & {
  /** The token given in the original request. */
  progressToken: ProgressToken;
  /** Progress so far; increases with every notification. */
  progress: number;
  /** Total progress required, if known. */
  total?: number;
  /** A description of the current progress. */
  message?: string;
};

/** An out-of-band progress update for a long-running request. */
export interface ProgressNotification extends JsonRpcNotification {
  method: 'notifications/progress';
  params: ProgressNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Lifecycle                                                                                                          */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Name, version and presentation details of an MCP client or server. */
export interface Implementation extends BaseMetadata, Icons {
  version: string;
  /** What this implementation does. */
  description?: string;
  /** The implementation's website. */
  websiteUrl?: string;
}

/** Capabilities a client may declare; an open set. */
export interface ClientCapabilities {
  /** Experimental, non-standard capabilities. */
  experimental?: { [key: string]: object };
  /** Present if the client can list roots. */
  roots?: {
    /** Whether the client sends `notifications/roots/list_changed`. */
    listChanged?: boolean;
  };
  /** Present if the client can sample from an LLM. */
  sampling?: {
    /** Present if the client honours `includeContext` other than `"none"`. */
    context?: object;
    /** Present if the client supports `tools` and `toolChoice` in sampling requests. */
    tools?: object;
  };
  /** Present if the client supports elicitation; an empty object means form mode only. */
  elicitation?: {
    form?: object;
    url?: object;
  };
  /** Present if the client supports task-augmented requests. */
  tasks?: {
    /** Present if the client supports `tasks/list`. */
    list?: object;
    /** Present if the client supports `tasks/cancel`. */
    cancel?: object;
    /** Which requests may be task-augmented. */
    requests?: {
      sampling?: {
        /** Task-augmented `sampling/createMessage`. */
        createMessage?: object;
      };
      elicitation?: {
        /** Task-augmented `elicitation/create`. */
        create?: object;
      };
    };
  };
}

/** Capabilities a server may declare; an open set. */
export interface ServerCapabilities {
  /** Experimental, non-standard capabilities. */
  experimental?: { [key: string]: object };
  /** Present if the server sends log messages. */
  logging?: object;
  /** Present if the server offers argument completion. */
  completions?: object;
  /** Present if the server offers prompts. */
  prompts?: {
    /** Whether the server sends `notifications/prompts/list_changed`. */
    listChanged?: boolean;
  };
  /** Present if the server offers resources. */
  resources?: {
    /** Whether the server supports `resources/subscribe`. */
    subscribe?: boolean;
    /** Whether the server sends `notifications/resources/list_changed`. */
    listChanged?: boolean;
  };
  /** Present if the server offers tools. */
  tools?: {
    /** Whether the server sends `notifications/tools/list_changed`. */
    listChanged?: boolean;
  };
  /** Present if the server supports task-augmented requests. */
  tasks?: {
    /** Present if the server supports `tasks/list`. */
    list?: object;
    /** Present if the server supports `tasks/cancel`. */
    cancel?: object;
    /** Which requests may be task-augmented. */
    requests?: {
      tools?: {
        /** Task-augmented `tools/call`. */
        call?: object;
      };
    };
  };
}

/** Params of `initialize`. */
export type InitializeRequestParams = RequestParams & {
  /** The latest protocol version the client supports. */
  protocolVersion: string;
  capabilities: ClientCapabilities;
  clientInfo: Implementation;
};

/** The first request a client sends, opening the session. */
export interface InitializeRequest extends JsonRpcRequest {
  method: 'initialize';
  params: InitializeRequestParams;
}

/** The server's answer to `initialize`. */
export interface InitializeResult extends Result {
  /** The protocol version the server chose; the client disconnects if it cannot use it. */
  protocolVersion: string;
  capabilities: ServerCapabilities;
  serverInfo: Implementation;
  /** How to use the server; may be added to the system prompt. */
  instructions?: string;
}

/** Params of `notifications/initialized` (none beyond `_meta`). */
export type InitializedNotificationParams = NotificationParams;

/** Sent by the client once initialization has finished. */
export interface InitializedNotification extends JsonRpcNotification {
  method: 'notifications/initialized';
  params?: InitializedNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Pagination                                                                                                         */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Params of a paginated list request. */
export type PaginatedRequestParams = RequestParams & {
  /** Where to continue from; omitted for the first page. */
  cursor?: Cursor;
};

/** A paginated list request. */
export interface PaginatedRequest extends JsonRpcRequest {
  params?: PaginatedRequestParams;
}

/** A page of a paginated list. */
export interface PaginatedResult extends Result {
  /** Present if more results may follow. */
  nextCursor?: Cursor;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Resources                                                                                                          */
/* ------------------------------------------------------------------------------------------------------------------ */

/** A resource the server can read. */
export interface Resource extends BaseMetadata, Icons {
  uri: string;
  /** What the resource represents; a hint to the model. */
  description?: string;
  mimeType?: string;
  annotations?: Annotations;
  /** Size of the raw content in bytes, if known. */
  size?: number;
  _meta?: Meta;
}

/** An RFC 6570 URI template describing a family of resources. */
export interface ResourceTemplate extends BaseMetadata, Icons {
  uriTemplate: string;
  /** What the template is for; a hint to the model. */
  description?: string;
  /** MIME type shared by all matching resources, if they all have the same one. */
  mimeType?: string;
  annotations?: Annotations;
  _meta?: Meta;
}

/** Fields common to text and blob resource contents (the schema's `ResourceContents`). */
export interface ResourceContentsBase {
  uri: string;
  mimeType?: string;
  _meta?: Meta;
}

/** Resource contents that can be represented as text. */
export interface TextResourceContents extends ResourceContentsBase {
  text: string;
}

/** Binary resource contents, base64-encoded. */
export interface BlobResourceContents extends ResourceContentsBase {
  blob: string;
}

/** The contents of a resource or sub-resource: text or blob. */
export type ResourceContents = TextResourceContents | BlobResourceContents;

/** Lists the server's resources. */
export interface ListResourcesRequest extends PaginatedRequest {
  method: 'resources/list';
}

/** Answer to `resources/list`. */
export interface ListResourcesResult extends PaginatedResult {
  resources: Resource[];
}

/** Lists the server's resource templates. */
export interface ListResourceTemplatesRequest extends PaginatedRequest {
  method: 'resources/templates/list';
}

/** Answer to `resources/templates/list`. */
export interface ListResourceTemplatesResult extends PaginatedResult {
  resourceTemplates: ResourceTemplate[];
}

/** Params of requests that name one resource. */
export type ResourceRequestParams = RequestParams & {
  /** The resource URI; the server decides how to interpret it. */
  uri: string;
};

/** Params of `resources/read`. */
export type ReadResourceRequestParams = ResourceRequestParams;

/** Reads one resource. */
export interface ReadResourceRequest extends JsonRpcRequest {
  method: 'resources/read';
  params: ReadResourceRequestParams;
}

/** Answer to `resources/read`. */
export interface ReadResourceResult extends Result {
  contents: ResourceContents[];
}

/** Tells the client the resource list changed. */
export interface ResourceListChangedNotification extends JsonRpcNotification {
  method: 'notifications/resources/list_changed';
  params?: NotificationParams;
}

/** Params of `resources/subscribe`. */
export type SubscribeRequestParams = ResourceRequestParams;

/** Asks for `notifications/resources/updated` whenever a resource changes. */
export interface SubscribeRequest extends JsonRpcRequest {
  method: 'resources/subscribe';
  params: SubscribeRequestParams;
}

/** Params of `resources/unsubscribe`. */
export type UnsubscribeRequestParams = ResourceRequestParams;

/** Cancels an earlier `resources/subscribe`. */
export interface UnsubscribeRequest extends JsonRpcRequest {
  method: 'resources/unsubscribe';
  params: UnsubscribeRequestParams;
}

/** Params of `notifications/resources/updated`. */
export type ResourceUpdatedNotificationParams = NotificationParams & {
  /** The updated resource; may be a sub-resource of the subscribed one. */
  uri: string;
};

/** Tells a subscribed client that a resource changed. */
export interface ResourceUpdatedNotification extends JsonRpcNotification {
  method: 'notifications/resources/updated';
  params: ResourceUpdatedNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Content                                                                                                            */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Text provided to or from an LLM. */
export interface TextContent {
  type: 'text';
  text: string;
  annotations?: Annotations;
  _meta?: Meta;
}

/** An image provided to or from an LLM, base64-encoded. */
export interface ImageContent {
  type: 'image';
  data: string;
  mimeType: string;
  annotations?: Annotations;
  _meta?: Meta;
}

/** Audio provided to or from an LLM, base64-encoded. */
export interface AudioContent {
  type: 'audio';
  data: string;
  mimeType: string;
  annotations?: Annotations;
  _meta?: Meta;
}

/** A link to a resource, returned in a prompt or tool result (it need not appear in `resources/list`). */
export interface ResourceLink extends Resource {
  type: 'resource_link';
}

/** A resource's contents embedded in a prompt or tool result. */
export interface EmbeddedResource {
  type: 'resource';
  resource: ResourceContents;
  annotations?: Annotations;
  _meta?: Meta;
}

/** Content of prompt messages and tool results. */
export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource;

/* ------------------------------------------------------------------------------------------------------------------ */
/* Prompts                                                                                                            */
/* ------------------------------------------------------------------------------------------------------------------ */

/** An argument a prompt accepts. */
export interface PromptArgument extends BaseMetadata {
  description?: string;
  /** Whether the argument must be provided. */
  required?: boolean;
}

/** A prompt or prompt template offered by the server. */
export interface Prompt extends BaseMetadata, Icons {
  description?: string;
  arguments?: PromptArgument[];
  _meta?: Meta;
}

/** A message of a prompt; unlike `SamplingMessage` it may embed resources. */
export interface PromptMessage {
  role: Role;
  content: ContentBlock;
}

/** Lists the server's prompts. */
export interface ListPromptsRequest extends PaginatedRequest {
  method: 'prompts/list';
}

/** Answer to `prompts/list`. */
export interface ListPromptsResult extends PaginatedResult {
  prompts: Prompt[];
}

/** Params of `prompts/get`. */
export type GetPromptRequestParams = RequestParams & {
  name: string;
  /** Values for the prompt's template arguments. */
  arguments?: { [key: string]: string };
};

/** Gets one prompt, filled in with arguments. */
export interface GetPromptRequest extends JsonRpcRequest {
  method: 'prompts/get';
  params: GetPromptRequestParams;
}

/** Answer to `prompts/get`. */
export interface GetPromptResult extends Result {
  description?: string;
  messages: PromptMessage[];
}

/** Tells the client the prompt list changed. */
export interface PromptListChangedNotification extends JsonRpcNotification {
  method: 'notifications/prompts/list_changed';
  params?: NotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Tools                                                                                                              */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Untrusted hints describing a tool's behaviour. */
export interface ToolAnnotations {
  /** Display title. */
  title?: string;
  /** The tool does not modify its environment (default false). */
  readOnlyHint?: boolean;
  /** The tool may destroy data; meaningful only when not read-only (default true). */
  destructiveHint?: boolean;
  /** Repeating a call with the same arguments has no further effect; meaningful only when not read-only (default false). */
  idempotentHint?: boolean;
  /** The tool interacts with an open world of external entities (default true). */
  openWorldHint?: boolean;
}

/** Whether a tool may, must or must not be run as a task. */
export type ToolTaskSupport = 'forbidden' | 'optional' | 'required';

/** Execution-related properties of a tool. */
export interface ToolExecution {
  /** Task-augmented execution support; `"forbidden"` when absent. */
  taskSupport?: ToolTaskSupport;
}

/** A tool the server offers. Display name precedence: `title`, `annotations.title`, `name`. */
export interface Tool extends BaseMetadata, Icons {
  /** What the tool does; a hint to the model. */
  description?: string;
  /** JSON Schema of the arguments. */
  inputSchema: ObjectJsonSchema;
  execution?: ToolExecution;
  /** JSON Schema of `structuredContent` in the result. */
  outputSchema?: ObjectJsonSchema;
  annotations?: ToolAnnotations;
  _meta?: Meta;
}

/** Lists the server's tools. */
export interface ListToolsRequest extends PaginatedRequest {
  method: 'tools/list';
}

/** Answer to `tools/list`. */
export interface ListToolsResult extends PaginatedResult {
  tools: Tool[];
}

/** Params of `tools/call`. */
export type CallToolRequestParams = TaskAugmentedRequestParams & {
  name: string;
  arguments?: { [key: string]: unknown };
};

/** Calls a tool. */
export interface CallToolRequest extends JsonRpcRequest {
  method: 'tools/call';
  params: CallToolRequestParams;
}

/** Answer to `tools/call`. Tool failures are reported here with `isError: true`, not as protocol errors. */
export interface CallToolResult extends Result {
  /** Unstructured result. */
  content: ContentBlock[];
  /** Structured result, matching `outputSchema` if the tool has one. */
  structuredContent?: { [key: string]: unknown };
  /** Whether the call failed (default false). */
  isError?: boolean;
}

/** Tells the client the tool list changed. */
export interface ToolListChangedNotification extends JsonRpcNotification {
  method: 'notifications/tools/list_changed';
  params?: NotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Tasks (2025-11-25, experimental)                                                                                   */
/* ------------------------------------------------------------------------------------------------------------------ */

/** The state of a task. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** Put in a request's `task` param to ask for task-augmented execution. */
export interface TaskMetadata {
  /** Requested retention in milliseconds from creation. */
  ttl?: number;
}

/** The `_meta` key that ties a message to a task; its value is a `RelatedTaskMetadata`. */
export type RelatedTaskMetaKey = 'io.modelcontextprotocol/related-task';

/** Associates a message with a task, under `_meta["io.modelcontextprotocol/related-task"]`. */
export interface RelatedTaskMetadata {
  taskId: string;
}

/** The state of a task. */
export type Task = {
  taskId: string;
  status: TaskStatus;
  /** Human-readable detail about the current status. */
  statusMessage?: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** ISO 8601 time of the last update. */
  lastUpdatedAt: string;
  /** Actual retention in milliseconds from creation; null for unlimited. */
  ttl: number | null;
  /** Suggested polling interval in milliseconds. */
  pollInterval?: number;
};

/** The immediate answer to a task-augmented request. */
export interface CreateTaskResult extends Result {
  task: Task;
}

/** Params of `tasks/get`, `tasks/result` and `tasks/cancel` (inline `{ taskId }` in the schema). */
export type TaskIdRequestParams = {
  taskId: string;
};

/** Params of `tasks/get`. */
export type GetTaskRequestParams = TaskIdRequestParams;

/** Retrieves the state of a task. */
export interface GetTaskRequest extends JsonRpcRequest {
  method: 'tasks/get';
  params: GetTaskRequestParams;
}

/** Answer to `tasks/get`. */
export type GetTaskResult = Result & Task;

/** Params of `tasks/result`. */
export type GetTaskPayloadRequestParams = TaskIdRequestParams;

/** Retrieves the result of a finished task. */
export interface GetTaskPayloadRequest extends JsonRpcRequest {
  method: 'tasks/result';
  params: GetTaskPayloadRequestParams;
}

/** Answer to `tasks/result`: the result type of the original request (e.g. a `CallToolResult`). */
export interface GetTaskPayloadResult extends Result {
  [key: string]: unknown;
}

/** Params of `tasks/cancel`. */
export type CancelTaskRequestParams = TaskIdRequestParams;

/** Cancels a task. */
export interface CancelTaskRequest extends JsonRpcRequest {
  method: 'tasks/cancel';
  params: CancelTaskRequestParams;
}

/** Answer to `tasks/cancel`. */
export type CancelTaskResult = Result & Task;

/** Lists tasks. */
export interface ListTasksRequest extends PaginatedRequest {
  method: 'tasks/list';
}

/** Answer to `tasks/list`. */
export interface ListTasksResult extends PaginatedResult {
  tasks: Task[];
}

/** Params of `notifications/tasks/status`. */
export type TaskStatusNotificationParams = NotificationParams & Task;

/** Optionally tells the requestor that a task's status changed. */
export interface TaskStatusNotification extends JsonRpcNotification {
  method: 'notifications/tasks/status';
  params: TaskStatusNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Logging                                                                                                            */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Log severity, as the syslog severities of RFC 5424. */
export type LoggingLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** The logging levels from least to most severe. */
export const LOGGING_LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const satisfies readonly LoggingLevel[];

/** Params of `logging/setLevel`. */
export type SetLevelRequestParams = RequestParams & {
  /** The least severe level the client wants to receive. */
  level: LoggingLevel;
};

/** Sets the minimum level of log messages the server sends. */
export interface SetLevelRequest extends JsonRpcRequest {
  method: 'logging/setLevel';
  params: SetLevelRequestParams;
}

/** Params of `notifications/message`. */
export type LoggingMessageNotificationParams = NotificationParams & {
  level: LoggingLevel;
  /** Name of the logger. */
  logger?: string;
  /** Any JSON-serializable value. */
  data: unknown;
};

/** A log message from the server. */
export interface LoggingMessageNotification extends JsonRpcNotification {
  method: 'notifications/message';
  params: LoggingMessageNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Sampling                                                                                                           */
/* ------------------------------------------------------------------------------------------------------------------ */

/** A request from the assistant to call a tool, inside a sampling message. */
export interface ToolUseContent {
  type: 'tool_use';
  /** Identifier matching the later `ToolResultContent.toolUseId`. */
  id: string;
  name: string;
  input: { [key: string]: unknown };
  _meta?: Meta;
}

/** The result of a tool use, given back to the assistant inside a sampling message. */
export interface ToolResultContent {
  type: 'tool_result';
  /** The `id` of the matching `ToolUseContent`. */
  toolUseId: string;
  content: ContentBlock[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
  _meta?: Meta;
}

/** Content of sampling messages. */
export type SamplingMessageContentBlock =
  TextContent | ImageContent | AudioContent | ToolUseContent | ToolResultContent;

/** A message sent to or received from an LLM. */
export interface SamplingMessage {
  role: Role;
  content: SamplingMessageContentBlock | SamplingMessageContentBlock[];
  _meta?: Meta;
}

/** A model-name hint; clients treat `name` as a substring and may map it to a similar model. */
export interface ModelHint {
  name?: string;
}

/** Advisory preferences for model selection; priorities range from 0 to 1. */
export interface ModelPreferences {
  /** Hints evaluated in order; the first match wins. */
  hints?: ModelHint[];
  costPriority?: number;
  speedPriority?: number;
  intelligencePriority?: number;
}

/** How the model may use tools during sampling (default `auto`). */
export interface ToolChoice {
  mode?: 'auto' | 'required' | 'none';
}

/** Params of `sampling/createMessage`. */
export type CreateMessageRequestParams = TaskAugmentedRequestParams & {
  messages: SamplingMessage[];
  modelPreferences?: ModelPreferences;
  systemPrompt?: string;
  /** Context to include; `thisServer` and `allServers` are soft-deprecated and need `sampling.context`. */
  includeContext?: 'none' | 'thisServer' | 'allServers';
  temperature?: number;
  maxTokens: number;
  stopSequences?: string[];
  /** Provider-specific metadata passed through to the LLM. */
  metadata?: object;
  /** Tools the model may use; requires the client's `sampling.tools` capability. */
  tools?: Tool[];
  /** How the model may use tools; requires the client's `sampling.tools` capability. */
  toolChoice?: ToolChoice;
};

/** Asks the client to sample an LLM. */
export interface CreateMessageRequest extends JsonRpcRequest {
  method: 'sampling/createMessage';
  params: CreateMessageRequestParams;
}

/** Why sampling stopped: a standard value or a provider-specific string. */
export type StopReason = 'endTurn' | 'stopSequence' | 'maxTokens' | 'toolUse' | (string & {});

/** Answer to `sampling/createMessage`. */
export interface CreateMessageResult extends Result, SamplingMessage {
  /** The model that produced the message. */
  model: string;
  stopReason?: StopReason;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Completion                                                                                                         */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Identifies a prompt to complete arguments for. */
export interface PromptReference extends BaseMetadata {
  type: 'ref/prompt';
}

/** Identifies a resource or resource template to complete arguments for. */
export interface ResourceTemplateReference {
  type: 'ref/resource';
  /** A URI or URI template. */
  uri: string;
}

/** Params of `completion/complete`. */
export type CompleteRequestParams = RequestParams & {
  ref: PromptReference | ResourceTemplateReference;
  /** The argument being completed. */
  argument: {
    name: string;
    value: string;
  };
  /** Extra context for the completion. */
  context?: {
    /** Already-resolved arguments. */
    arguments?: { [key: string]: string };
  };
};

/** Asks the server for completion options. */
export interface CompleteRequest extends JsonRpcRequest {
  method: 'completion/complete';
  params: CompleteRequestParams;
}

/** Answer to `completion/complete`. */
export interface CompleteResult extends Result {
  completion: {
    /** At most 100 values. */
    values: string[];
    /** Total number of options, which may exceed `values.length`. */
    total?: number;
    /** Whether more options exist beyond those returned. */
    hasMore?: boolean;
  };
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Roots                                                                                                              */
/* ------------------------------------------------------------------------------------------------------------------ */

/** A directory or file the server may operate on. */
export interface Root {
  /** Must be a `file://` URI for now. */
  uri: string;
  name?: string;
  _meta?: Meta;
}

/** Asks the client for its roots. */
export interface ListRootsRequest extends JsonRpcRequest {
  method: 'roots/list';
  params?: RequestParams;
}

/** Answer to `roots/list`. */
export interface ListRootsResult extends Result {
  roots: Root[];
}

/** Tells the server the client's roots changed. */
export interface RootsListChangedNotification extends JsonRpcNotification {
  method: 'notifications/roots/list_changed';
  params?: NotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Elicitation                                                                                                        */
/* ------------------------------------------------------------------------------------------------------------------ */

/** A string field of an elicitation form. */
export interface StringSchema {
  type: 'string';
  title?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  format?: 'email' | 'uri' | 'date' | 'date-time';
  default?: string;
}

/** A number or integer field of an elicitation form. */
export interface NumberSchema {
  type: 'number' | 'integer';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  default?: number;
}

/** A boolean field of an elicitation form. */
export interface BooleanSchema {
  type: 'boolean';
  title?: string;
  description?: string;
  default?: boolean;
}

/** A single-choice enum field whose options have no display titles. */
export interface UntitledSingleSelectEnumSchema {
  type: 'string';
  title?: string;
  description?: string;
  enum: string[];
  default?: string;
}

/** A single-choice enum field whose options have display titles. */
export interface TitledSingleSelectEnumSchema {
  type: 'string';
  title?: string;
  description?: string;
  oneOf: Array<{ const: string; title: string }>;
  default?: string;
}

/** A single-choice enum field. */
export type SingleSelectEnumSchema = UntitledSingleSelectEnumSchema | TitledSingleSelectEnumSchema;

/** A multiple-choice enum field whose options have no display titles. */
export interface UntitledMultiSelectEnumSchema {
  type: 'array';
  title?: string;
  description?: string;
  minItems?: number;
  maxItems?: number;
  items: {
    type: 'string';
    enum: string[];
  };
  default?: string[];
}

/** A multiple-choice enum field whose options have display titles. */
export interface TitledMultiSelectEnumSchema {
  type: 'array';
  title?: string;
  description?: string;
  minItems?: number;
  maxItems?: number;
  items: {
    anyOf: Array<{ const: string; title: string }>;
  };
  default?: string[];
}

/** A multiple-choice enum field. */
export type MultiSelectEnumSchema = UntitledMultiSelectEnumSchema | TitledMultiSelectEnumSchema;

/** Deprecated enum field with non-standard `enumNames`; use `TitledSingleSelectEnumSchema`. */
export interface LegacyTitledEnumSchema {
  type: 'string';
  title?: string;
  description?: string;
  enum: string[];
  enumNames?: string[];
  default?: string;
}

/** Any enum field of an elicitation form. */
export type EnumSchema = SingleSelectEnumSchema | MultiSelectEnumSchema | LegacyTitledEnumSchema;

/** A field of an elicitation form: a primitive, never a nested object. */
export type PrimitiveSchemaDefinition = StringSchema | NumberSchema | BooleanSchema | EnumSchema;

/** The flat JSON Schema of an elicitation form. */
export interface ElicitationRequestedSchema {
  $schema?: string;
  type: 'object';
  properties: { [key: string]: PrimitiveSchemaDefinition };
  required?: string[];
}

/** Params of a form-mode `elicitation/create` (for non-sensitive information). `mode` may be omitted. */
export type ElicitRequestFormParams = TaskAugmentedRequestParams & {
  mode?: 'form';
  /** What is being asked of the user. */
  message: string;
  requestedSchema: ElicitationRequestedSchema;
};

/** Params of a URL-mode `elicitation/create`, sending the user to a URL out of band. */
export type ElicitRequestURLParams = TaskAugmentedRequestParams & {
  mode: 'url';
  /** Why the interaction is needed. */
  message: string;
  /** Opaque id, unique within the server, echoed by `notifications/elicitation/complete`. */
  elicitationId: string;
  /** Where the user should go. */
  url: string;
};

/** Params of `elicitation/create`: form mode or URL mode. */
export type ElicitRequestParams = ElicitRequestFormParams | ElicitRequestURLParams;

/** Asks the client to elicit information from the user. */
export interface ElicitRequest extends JsonRpcRequest {
  method: 'elicitation/create';
  params: ElicitRequestParams;
}

/** A value submitted in an elicitation form. */
export type ElicitValue = string | number | boolean | string[];

/** Answer to `elicitation/create`. */
export interface ElicitResult extends Result {
  /** Whether the user accepted, explicitly declined, or dismissed the request. */
  action: 'accept' | 'decline' | 'cancel';
  /** Form data, only when the action is `accept` in form mode. */
  content?: { [key: string]: ElicitValue };
}

/** Params of `notifications/elicitation/complete`. */
export type ElicitationCompleteNotificationParams = {
  /** The id of the URL-mode elicitation that completed. */
  elicitationId: string;
};

/** Tells the client that a URL-mode elicitation completed. */
export interface ElicitationCompleteNotification extends JsonRpcNotification {
  method: 'notifications/elicitation/complete';
  params: ElicitationCompleteNotificationParams;
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* Message unions by direction                                                                                        */
/* ------------------------------------------------------------------------------------------------------------------ */

/** Requests a client sends. */
export type ClientRequest =
  | PingRequest
  | InitializeRequest
  | CompleteRequest
  | SetLevelRequest
  | GetPromptRequest
  | ListPromptsRequest
  | ListResourcesRequest
  | ListResourceTemplatesRequest
  | ReadResourceRequest
  | SubscribeRequest
  | UnsubscribeRequest
  | CallToolRequest
  | ListToolsRequest
  | GetTaskRequest
  | GetTaskPayloadRequest
  | ListTasksRequest
  | CancelTaskRequest;

/** Notifications a client sends. */
export type ClientNotification =
  | CancelledNotification
  | ProgressNotification
  | InitializedNotification
  | RootsListChangedNotification
  | TaskStatusNotification;

/** Results a client sends. */
export type ClientResult =
  | EmptyResult
  | CreateMessageResult
  | ListRootsResult
  | ElicitResult
  | GetTaskResult
  | GetTaskPayloadResult
  | ListTasksResult
  | CancelTaskResult;

/** Requests a server sends. */
export type ServerRequest =
  | PingRequest
  | CreateMessageRequest
  | ListRootsRequest
  | ElicitRequest
  | GetTaskRequest
  | GetTaskPayloadRequest
  | ListTasksRequest
  | CancelTaskRequest;

/** Notifications a server sends. */
export type ServerNotification =
  | CancelledNotification
  | ProgressNotification
  | LoggingMessageNotification
  | ResourceUpdatedNotification
  | ResourceListChangedNotification
  | ToolListChangedNotification
  | PromptListChangedNotification
  | ElicitationCompleteNotification
  | TaskStatusNotification;

/** Results a server sends. */
export type ServerResult =
  | EmptyResult
  | InitializeResult
  | CompleteResult
  | GetPromptResult
  | ListPromptsResult
  | ListResourceTemplatesResult
  | ListResourcesResult
  | ReadResourceResult
  | CallToolResult
  | ListToolsResult
  | GetTaskResult
  | GetTaskPayloadResult
  | ListTasksResult
  | CancelTaskResult;

/** Every request method name. */
export type RequestMethod = ClientRequest['method'] | ServerRequest['method'];

/** Every notification method name. */
export type NotificationMethod = ClientNotification['method'] | ServerNotification['method'];
