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
}

export interface Written {
  name: string;
  topic: string;
  deadLetterTopic: string;
  subscriptions: string;
}

export interface Problem {
  path: string;
  message: string;
  line: number;
  column: number;
}

export declare const OPERATIONS: Readonly<Record<'sendEvents' | 'listSubscribers' | 'putSubscriber' | 'getSubscriber' | 'deleteSubscriber',
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
}
