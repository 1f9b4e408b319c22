/**
 * What each protocol revision has, as far as a server's messages go: the one table that `shape.ts` (results for the
 * client) and the checks of the server's requests to the client (`session.ts`) read. Each row names the revision
 * that brought a feature, from the schemas of modelcontextprotocol/modelcontextprotocol (`schema/<revision>/
 * schema.ts`), and the last one that had it when a later one took it out.
 *
 * Revisions are dates, so they compare as strings.
 */

interface FeatureSpan {
  /** The first revision with it. */
  since: string;
  /** The last revision with it, when a later one removed it. */
  until?: string;
}

export const REVISION_FEATURES = {
  /** JSON-RPC batches: 2025-03-26 requires a receiver to accept them, 2025-06-18 removed them. */
  batches: { since: '2025-03-26', until: '2025-03-26' },
  /** `AudioContent` in tool results, prompt messages and sampling messages. */
  audioContent: { since: '2025-03-26' },
  /** `Tool.annotations` (`ToolAnnotations`). */
  toolAnnotations: { since: '2025-03-26' },
  /** The `completions` server capability (2024-11-05 served `completion/complete` without one). */
  completionsCapability: { since: '2025-03-26' },
  /** `title` beside `name`: tools, resources, templates, prompts, prompt arguments, `Implementation`. */
  titles: { since: '2025-06-18' },
  /** `_meta` on tools, resources, templates, prompts, content blocks, resource contents and roots. */
  objectMeta: { since: '2025-06-18' },
  /** `Annotations.lastModified` (2024-11-05 and 2025-03-26 have `audience` and `priority` only). */
  lastModified: { since: '2025-06-18' },
  /** `ResourceLink` content (`type: "resource_link"`). */
  resourceLinks: { since: '2025-06-18' },
  /** `Tool.outputSchema` and `CallToolResult.structuredContent`. */
  structuredContent: { since: '2025-06-18' },
  /** `elicitation/create` (form mode; `requestedSchema` without `mode`). */
  elicitation: { since: '2025-06-18' },
  /** `icons` on tools, resources, templates, prompts, resource links and `Implementation`. */
  icons: { since: '2025-11-25' },
  /** `Implementation.description` and `websiteUrl`. */
  implementationDetails: { since: '2025-11-25' },
  /** `Tool.execution` (task support). */
  toolExecution: { since: '2025-11-25' },
  /** Elicitation's `mode` field, URL mode, and the `elicitation.form` / `elicitation.url` capabilities. */
  elicitationModes: { since: '2025-11-25' },
  /** `tools` and `toolChoice` in sampling, `tool_use` / `tool_result` content, content arrays in a message. */
  samplingTools: { since: '2025-11-25' },
  /** `_meta` on a `SamplingMessage`. */
  samplingMessageMeta: { since: '2025-11-25' },
  /** The `sampling.context` capability, which `includeContext` other than `"none"` then needs. */
  samplingContextCapability: { since: '2025-11-25' },
} as const satisfies Record<string, FeatureSpan>;

export type RevisionFeature = keyof typeof REVISION_FEATURES;

/** Whether `revision` has `feature`. */
export function hasFeature(revision: string, feature: RevisionFeature): boolean {
  const span: FeatureSpan = REVISION_FEATURES[feature];
  return revision >= span.since && (span.until === undefined || revision <= span.until);
}
