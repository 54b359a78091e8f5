// The whole conversation between the Message Inspector webview and the extension host. Both sides
// import this file, so every postMessage is type-checked. Nothing here may touch DOM or Node APIs.
import type {
  CaptureStatsView,
  CopyFormat,
  DecoderInfo,
  FilterPresetInfo,
  FilterSpec,
  FrameDetail,
  GapMarkersView,
  ListSelectionSpec,
  MessageDetail,
  MessageDiffView,
  RowWindow,
  RuleProposal,
  SelectionCopyFormat,
  SessionInfo,
  TopicTreeView,
} from './inspectorShapes';

export enum MessageType {
  // ---- to webview ----
  /** Reply to a request from the webview, matched by requestId. */
  Response = 'response',
  /** Pushed, coalesced (<= ~30/s), only when the capture changed and the panel is visible. */
  Summary = 'summary',
  /** Set these filter fields (and maybe select a message): from the monitoring panel. */
  ApplyFilter = 'applyFilter',

  // ---- from webview ----
  /** The webview's script is running; the host starts pushing summaries after this. */
  Ready = 'ready',
  SetFilter = 'setFilter',
  GetRows = 'getRows',
  GetMessage = 'getMessage',
  /** More decoded frames of a message (its detail holds the first ones only). */
  GetFrames = 'getFrames',
  DecodeFrame = 'decodeFrame',
  AddRule = 'addRule',
  Copy = 'copy',
  /** Resend a captured message (the host asks where to, and lets the user edit frames first). */
  Replay = 'replay',
  GetTopicTree = 'getTopicTree',
  /** Plot a decoded field of this message's topic in the monitoring panel. */
  PlotField = 'plotField',
  /** Compare two messages, or one with the previous message of its topic. */
  Diff = 'diff',
  /** The selected rows: to the clipboard, to a JSON Lines file, or sent again. */
  CopySelection = 'copySelection',
  ExportSelection = 'exportSelection',
  ReplaySelection = 'replaySelection',
}

// The shapes both sides exchange (rows, details, trees, diffs) live in inspectorShapes.ts.
export * from './inspectorShapes';

// ---- to webview ----

export interface SummaryMessage {
  type: MessageType.Summary;
  storeVersion: number;
  filterGeneration: number;
  /** Rows matching the current filter. */
  matched: number;
  /** Matching rows dropped from the front since the filter was set (keeps scroll positions stable). */
  evicted: number;
  lastSeq: number;
  stats: CaptureStatsView;
  sessions: SessionInfo[];
  decoders: DecoderInfo[];
  presets: FilterPresetInfo[];
  /** While a field expression is still being evaluated over the capture: the fraction done. */
  filterProgress?: number;
  /** Sequence gaps as marker rows, sent when they changed (absent: the ones sent before still hold). */
  gapMarkers?: GapMarkersView;
  /** A session has sequence tracking on: the list shows the "Sequence" column. */
  sequenceTracking?: boolean;
}

export type ResponseMessage =
  | { type: MessageType.Response; requestId: number; result: unknown; error?: undefined }
  | { type: MessageType.Response; requestId: number; result?: undefined; error: string };

export interface ApplyFilterMessage {
  type: MessageType.ApplyFilter;
  filter: Partial<FilterSpec>;
  /** Select this message once the filter is applied. */
  selectSeq?: number;
}

export type ToWebviewMessage = SummaryMessage | ResponseMessage | ApplyFilterMessage;

// ---- from webview ----

export interface ReadyMessage {
  type: MessageType.Ready;
}

export interface SetFilterRequest {
  type: MessageType.SetFilter;
  requestId: number;
  filter: FilterSpec;
  /** Answer with the list index of the first matching row with seq >= anchorSeq (restores scroll). */
  anchorSeq?: number;
}

export interface GetRowsRequest {
  type: MessageType.GetRows;
  requestId: number;
  filterGeneration: number;
  /** Absolute position (evicted + list index) of the first row wanted. */
  absStart: number;
  count: number;
}

export interface GetMessageRequest {
  type: MessageType.GetMessage;
  requestId: number;
  seq: number;
  /** Decoders picked per frame index in this view (overrides rules and detection). */
  decoderOverrides?: Record<number, string>;
}

export interface GetFramesRequest {
  type: MessageType.GetFrames;
  requestId: number;
  seq: number;
  /** Index of the first frame wanted; the host sends a batch from there. */
  start: number;
  decoderOverrides?: Record<number, string>;
}

export interface DecodeFrameRequest {
  type: MessageType.DecodeFrame;
  requestId: number;
  seq: number;
  frameIndex: number;
  decoderId: string;
}

export interface AddRuleRequest {
  type: MessageType.AddRule;
  requestId: number;
  rule: RuleProposal;
}

export interface CopyRequest {
  type: MessageType.Copy;
  requestId: number;
  seq: number;
  /** Absent: the whole message (every frame). */
  frameIndex?: number;
  format: CopyFormat;
  decoderId?: string;
}

export interface ReplayRequest {
  type: MessageType.Replay;
  requestId: number;
  seq: number;
}

export interface GetTopicTreeRequest {
  type: MessageType.GetTopicTree;
  requestId: number;
}

export interface DiffRequest {
  type: MessageType.Diff;
  requestId: number;
  /** The newer message (right side). */
  seq: number;
  /** The older one (left side); absent: the previous message of the same session and topic. */
  otherSeq?: number;
}

export interface PlotFieldRequest {
  type: MessageType.PlotField;
  requestId: number;
  seq: number;
  frameIndex: number;
  /** Keys from the decoded frame's root to the field; numbers index arrays. */
  path: (string | number)[];
}

export interface CopySelectionRequest {
  type: MessageType.CopySelection;
  requestId: number;
  selection: ListSelectionSpec;
  format: SelectionCopyFormat;
}

export interface ExportSelectionRequest {
  type: MessageType.ExportSelection;
  requestId: number;
  selection: ListSelectionSpec;
}

export interface ReplaySelectionRequest {
  type: MessageType.ReplaySelection;
  requestId: number;
  selection: ListSelectionSpec;
}

export type FromWebviewRequest =
  | CopySelectionRequest
  | ExportSelectionRequest
  | ReplaySelectionRequest
  | PlotFieldRequest
  | SetFilterRequest
  | GetRowsRequest
  | GetMessageRequest
  | GetFramesRequest
  | DecodeFrameRequest
  | AddRuleRequest
  | CopyRequest
  | ReplayRequest
  | GetTopicTreeRequest
  | DiffRequest;

export type FromWebviewMessage = ReadyMessage | FromWebviewRequest;

/** What each request resolves to. */
export interface ResponseTypes {
  [MessageType.SetFilter]: { filterGeneration: number; matched: number; evicted: number; anchorIndex?: number };
  [MessageType.GetRows]: RowWindow;
  [MessageType.GetMessage]: MessageDetail | null;
  /** Null when the message is gone. */
  [MessageType.GetFrames]: FrameDetail[] | null;
  [MessageType.DecodeFrame]: FrameDetail | null;
  [MessageType.AddRule]: { description: string };
  [MessageType.Copy]: { bytes: number };
  /** What happened, in words ("sent to echo", "cancelled"). */
  [MessageType.Replay]: { outcome: string };
  [MessageType.GetTopicTree]: TopicTreeView;
  [MessageType.PlotField]: { label: string };
  /** null when there is nothing to compare with. */
  [MessageType.Diff]: MessageDiffView | null;
  [MessageType.CopySelection]: { messages: number; bytes: number };
  /** What happened, in words ("12 messages written to …", "cancelled"). */
  [MessageType.ExportSelection]: { outcome: string };
  [MessageType.ReplaySelection]: { outcome: string };
}

export type RequestType = keyof ResponseTypes;
export type RequestOf<T extends RequestType> = Extract<FromWebviewRequest, { type: T }>;
/** A request's fields as the caller writes them; the client adds type and id. */
export type RequestFields<T extends RequestType> = Omit<RequestOf<T>, 'type' | 'requestId'>;

/** Raised in the webview when the host answered a request with an error. */
export class InspectorRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectorRequestError';
  }
}

/**
 * The webview's half of request/response: numbers requests, and settles each promise when the
 * Response with the same id arrives (rejecting with the host's error text).
 */
export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly post: (message: FromWebviewMessage) => void) {}

  request<T extends RequestType>(type: T, fields: RequestFields<T>): Promise<ResponseTypes[T]> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject });
      this.post({ ...fields, type, requestId } as RequestOf<T>);
    });
  }

  /** Returns true when the message was a response this client was waiting for. */
  settle(message: ToWebviewMessage): boolean {
    if (message.type !== MessageType.Response) return false;
    const waiter = this.pending.get(message.requestId);
    if (!waiter) return false;
    this.pending.delete(message.requestId);
    if (message.error !== undefined) waiter.reject(new InspectorRequestError(message.error));
    else waiter.resolve(message.result);
    return true;
  }
}

/** The host's half: runs the handler and always answers, turning a thrown error into the error field. */
export async function answerRequest<T extends RequestType>(
  request: RequestOf<T>,
  handler: (request: RequestOf<T>) => Promise<ResponseTypes[T]> | ResponseTypes[T],
  post: (message: ToWebviewMessage) => void,
): Promise<void> {
  try {
    const result = await handler(request);
    post({ type: MessageType.Response, requestId: request.requestId, result });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    post({ type: MessageType.Response, requestId: request.requestId, error: text });
  }
}
