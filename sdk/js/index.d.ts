// Types of the Hyphae HTTP API client; the shapes follow schemas/hyphae-api.openapi.json.

export interface Event {
  /** The event: a JSON object for JSON and Avro routes. */
  value: unknown;
  /** The record key, as text; absent or null: no key. */
  key?: string | number | null;
  /** Record headers; names starting with "hyphae." are reserved. */
  headers?: Record<string, string>;
}

export interface Produced {
  topic: string;
  records: { partition: number; offset: number }[];
}

/** A subscriber's fields, exactly those of the route file's subscribers section (see docs/subscribers.md). */
export interface Subscriber {
  stage?: string;
  topic?: string;
  format?: 'json' | 'avro';
  keyFormat?: 'string' | 'json';
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  filter?: string;
  body?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  timeout?: string;
  maxInFlight?: number;
  ordering?: 'key' | 'none';
  retry?: {
    initialBackoff?: string;
    maxBackoff?: string;
    multiplier?: number;
    jitter?: number;
    maxAttempts?: number;
    maxElapsed?: string;
  };
  secret?: string | string[];
  allowNetworks?: string[];
  /** API subscribers only: start at the first event written at or after this ISO-8601 instant. */
  from?: string;
}

export interface Written {
  name: string;
  topic: string;
  deadLetterTopic: string;
  subscriptions: string;
  /** The record's timestamp: a new subscriber receives the events written after it (unless it has from). */
  writtenAt: string;
}

/** A subscriber's delivery as the fan-out connector last reported it. */
export interface SubscriberStatus {
  name: string;
  /** Whether any task reported on it yet; false: every count is 0. */
  reported: boolean;
  delivered: number;
  retried: number;
  deadLettered: number;
  filtered: number;
  /** Events taken but not complete yet. */
  pending: number;
  /** Nothing is sent (410 Gone, or a definition that cannot be delivered); a PUT resumes it. */
  paused: boolean;
  reason?: string | null;
  /** Its backlog is at the bound: it takes no events until half of them are complete. */
  behind: boolean;
  deadLetterTopic?: string;
  /** When the definition every task delivers with was written: once it is a PUT's writtenAt, the change is in effect. */
  definedAt?: string | null;
  /** Per <topic>-<partition>, the offset before which every event is complete for it. */
  positions?: Record<string, number>;
  updated?: string | null;
}

export interface Problem {
  path: string;
  message: string;
  line: number;
  column: number;
}

export declare const OPERATIONS: Readonly<Record<'sendEvents' | 'listSubscribers' | 'putSubscriber' | 'getSubscriber' | 'deleteSubscriber'
  | 'getSubscriberStatus',
  { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string }>>;

export declare class HyphaeError extends Error {
  readonly status: number;
  readonly error?: string;
  readonly problems: Problem[];
}

export declare class HyphaeClient {
  constructor(options: { baseUrl: string; token: string; fetch?: typeof fetch });
  sendEvents(topic: string, events: Event | Event[], options?: { idempotencyKey?: string }): Promise<Produced>;
  listSubscribers(): Promise<Record<string, Subscriber>>;
  putSubscriber(name: string, fields: Subscriber): Promise<Written>;
  getSubscriber(name: string): Promise<Subscriber | undefined>;
  deleteSubscriber(name: string): Promise<boolean>;
  getSubscriberStatus(name: string): Promise<SubscriberStatus | undefined>;
}
