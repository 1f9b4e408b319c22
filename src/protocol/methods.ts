/**
 * Every MCP method, with the types of its params and result. Method strings live here and nowhere else.
 */

import type {
  CallToolRequestParams,
  CallToolResult,
  CancelledNotificationParams,
  CompleteRequestParams,
  CompleteResult,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitationCompleteNotificationParams,
  ElicitRequestParams,
  ElicitResult,
  EmptyResult,
  GetPromptRequestParams,
  GetPromptResult,
  InitializeRequestParams,
  InitializeResult,
  ListPromptsResult,
  ListResourceTemplatesResult,
  ListResourcesResult,
  ListRootsResult,
  ListToolsResult,
  LoggingMessageNotificationParams,
  NotificationParams,
  PaginatedRequestParams,
  ProgressNotificationParams,
  ReadResourceRequestParams,
  ReadResourceResult,
  RequestParams,
  ResourceUpdatedNotificationParams,
  SetLevelRequestParams,
  SubscribeRequestParams,
  UnsubscribeRequestParams,
} from './types.js';

/** Method names, by role. */
export const METHOD = {
  INITIALIZE: 'initialize',
  PING: 'ping',
  TOOLS_LIST: 'tools/list',
  TOOLS_CALL: 'tools/call',
  RESOURCES_LIST: 'resources/list',
  RESOURCES_TEMPLATES_LIST: 'resources/templates/list',
  RESOURCES_READ: 'resources/read',
  RESOURCES_SUBSCRIBE: 'resources/subscribe',
  RESOURCES_UNSUBSCRIBE: 'resources/unsubscribe',
  PROMPTS_LIST: 'prompts/list',
  PROMPTS_GET: 'prompts/get',
  COMPLETION_COMPLETE: 'completion/complete',
  LOGGING_SET_LEVEL: 'logging/setLevel',
  ROOTS_LIST: 'roots/list',
  SAMPLING_CREATE_MESSAGE: 'sampling/createMessage',
  ELICITATION_CREATE: 'elicitation/create',
} as const;

export const NOTIFICATION = {
  INITIALIZED: 'notifications/initialized',
  CANCELLED: 'notifications/cancelled',
  PROGRESS: 'notifications/progress',
  MESSAGE: 'notifications/message',
  RESOURCES_UPDATED: 'notifications/resources/updated',
  RESOURCES_LIST_CHANGED: 'notifications/resources/list_changed',
  TOOLS_LIST_CHANGED: 'notifications/tools/list_changed',
  PROMPTS_LIST_CHANGED: 'notifications/prompts/list_changed',
  ROOTS_LIST_CHANGED: 'notifications/roots/list_changed',
  ELICITATION_COMPLETE: 'notifications/elicitation/complete',
} as const;

/** Requests a client sends to a server. */
export interface ClientRequests {
  [METHOD.INITIALIZE]: { params: InitializeRequestParams; result: InitializeResult };
  [METHOD.PING]: { params: RequestParams | undefined; result: EmptyResult };
  [METHOD.TOOLS_LIST]: { params: PaginatedRequestParams | undefined; result: ListToolsResult };
  [METHOD.TOOLS_CALL]: { params: CallToolRequestParams; result: CallToolResult };
  [METHOD.RESOURCES_LIST]: { params: PaginatedRequestParams | undefined; result: ListResourcesResult };
  [METHOD.RESOURCES_TEMPLATES_LIST]: {
    params: PaginatedRequestParams | undefined;
    result: ListResourceTemplatesResult;
  };
  [METHOD.RESOURCES_READ]: { params: ReadResourceRequestParams; result: ReadResourceResult };
  [METHOD.RESOURCES_SUBSCRIBE]: { params: SubscribeRequestParams; result: EmptyResult };
  [METHOD.RESOURCES_UNSUBSCRIBE]: { params: UnsubscribeRequestParams; result: EmptyResult };
  [METHOD.PROMPTS_LIST]: { params: PaginatedRequestParams | undefined; result: ListPromptsResult };
  [METHOD.PROMPTS_GET]: { params: GetPromptRequestParams; result: GetPromptResult };
  [METHOD.COMPLETION_COMPLETE]: { params: CompleteRequestParams; result: CompleteResult };
  [METHOD.LOGGING_SET_LEVEL]: { params: SetLevelRequestParams; result: EmptyResult };
}

/** Requests a server sends to a client. */
export interface ServerRequests {
  [METHOD.PING]: { params: RequestParams | undefined; result: EmptyResult };
  [METHOD.ROOTS_LIST]: { params: RequestParams | undefined; result: ListRootsResult };
  [METHOD.SAMPLING_CREATE_MESSAGE]: { params: CreateMessageRequestParams; result: CreateMessageResult };
  [METHOD.ELICITATION_CREATE]: { params: ElicitRequestParams; result: ElicitResult };
}

/** Notifications a client sends to a server. */
export interface ClientNotifications {
  [NOTIFICATION.INITIALIZED]: NotificationParams | undefined;
  [NOTIFICATION.CANCELLED]: CancelledNotificationParams;
  [NOTIFICATION.PROGRESS]: ProgressNotificationParams;
  [NOTIFICATION.ROOTS_LIST_CHANGED]: NotificationParams | undefined;
}

/** Notifications a server sends to a client. */
export interface ServerNotifications {
  [NOTIFICATION.CANCELLED]: CancelledNotificationParams;
  [NOTIFICATION.PROGRESS]: ProgressNotificationParams;
  [NOTIFICATION.MESSAGE]: LoggingMessageNotificationParams;
  [NOTIFICATION.RESOURCES_UPDATED]: ResourceUpdatedNotificationParams;
  [NOTIFICATION.RESOURCES_LIST_CHANGED]: NotificationParams | undefined;
  [NOTIFICATION.TOOLS_LIST_CHANGED]: NotificationParams | undefined;
  [NOTIFICATION.PROMPTS_LIST_CHANGED]: NotificationParams | undefined;
  [NOTIFICATION.ELICITATION_COMPLETE]: ElicitationCompleteNotificationParams;
}

/** A map of request methods to `{params, result}`; interfaces above satisfy it. */
export type RequestMap = object;
/** A map of notification methods to their params. */
export type NotificationMap = object;
/** The params of method `M` in request map `T`. */
export type ParamsOf<T, M extends keyof T> = T[M] extends { params: infer P } ? P : never;
/** The result of method `M` in request map `T`. */
export type ResultOf<T, M extends keyof T> = T[M] extends { result: infer R } ? R : never;
