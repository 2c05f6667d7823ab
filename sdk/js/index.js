// Client for the Hyphae HTTP API. Each method is one operation of schemas/hyphae-api.openapi.json (see OPERATIONS).

/** The operations of the OpenAPI document this client implements, by operationId. */
export const OPERATIONS = Object.freeze({
  sendEvents: { method: 'POST', path: '/v1/topics/{topic}/events' },
  listSubscribers: { method: 'GET', path: '/v1/subscribers' },
  putSubscriber: { method: 'PUT', path: '/v1/subscribers/{name}' },
  getSubscriber: { method: 'GET', path: '/v1/subscribers/{name}' },
  deleteSubscriber: { method: 'DELETE', path: '/v1/subscribers/{name}' },
  getSubscriberStatus: { method: 'GET', path: '/v1/subscribers/{name}/status' },
});

/** A refused request: the HTTP status, the API's error code and message, and a subscriber's problems (422). */
export class HyphaeError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}${body && body.error ? ': ' + body.error : ''}`);
    this.name = 'HyphaeError';
    this.status = status;
    this.error = body ? body.error : undefined;
    this.problems = body && Array.isArray(body.problems) ? body.problems : [];
  }
}

export class HyphaeClient {
  /**
   * @param {{baseUrl: string, token: string, fetch?: typeof fetch}} options
   */
  constructor({ baseUrl, token, fetch: fetchImpl } = {}) {
    if (!baseUrl) throw new TypeError('baseUrl is required, e.g. http://127.0.0.1:38085');
    if (!token) throw new TypeError('token is required (the server takes it from $HYPHAE_API_TOKEN)');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    this.fetch = fetchImpl || globalThis.fetch;
  }

  /** Sends one event or a list of them to the input topic of a route; resolves once the broker has them. */
  async sendEvents(topic, events, { idempotencyKey } = {}) {
    const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
    return this.#call('sendEvents', { topic }, events, headers);
  }

  /** Every subscriber, by name. */
  async listSubscribers() {
    return this.#call('listSubscribers', {});
  }

  /** Creates or replaces a subscriber; a HyphaeError with .problems (field paths) when it is not valid. */
  async putSubscriber(name, fields) {
    return this.#call('putSubscriber', { name }, fields);
  }

  /** The subscriber's fields, or undefined when there is none. */
  async getSubscriber(name) {
    try {
      return await this.#call('getSubscriber', { name });
    } catch (e) {
      if (e instanceof HyphaeError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Removes a subscriber; false when there was none. */
  async deleteSubscriber(name) {
    try {
      await this.#call('deleteSubscriber', { name });
      return true;
    } catch (e) {
      if (e instanceof HyphaeError && e.status === 404) return false;
      throw e;
    }
  }

  /** What was delivered to a subscriber (counts, backlog, paused), or undefined when there is no such subscriber. */
  async getSubscriberStatus(name) {
    try {
      return await this.#call('getSubscriberStatus', { name });
    } catch (e) {
      if (e instanceof HyphaeError && e.status === 404) return undefined;
      throw e;
    }
  }

  async #call(operation, params, body, extraHeaders = {}) {
    const { method, path } = OPERATIONS[operation];
    const url = this.baseUrl + path.replace(/\{(\w+)\}/g, (_, p) => encodeURIComponent(params[p]));
    const headers = { Authorization: `Bearer ${this.token}`, ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new HyphaeError(response.status, parsed);
    return parsed;
  }
}
