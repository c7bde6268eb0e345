import { randomUUID } from 'node:crypto';
import { BusApiError, type Problem } from './errors.js';

export interface RetryOptions {
  /** total tries of one call, the first included (default 4) */
  attempts?: number;
  /** first backoff, doubled each time (default 250 ms) */
  baseDelayMs?: number;
  /** the cap on one wait, Retry-After included (default 10 s) */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** the adapter's (or scheduler's) address, e.g. http://127.0.0.1:3103 */
  baseUrl: string;
  /** the unit's (or the office's) API key */
  apiKey: string;
  retry?: RetryOptions;
  /** makes an Idempotency-Key for each POST (default: a random UUID) */
  idempotencyKey?: () => string;
  /** per-request timeout (default 30 s) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** overrides the generated Idempotency-Key: pass your own request id to make a retry across restarts safe */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface Answer<T> {
  status: number;
  data: T;
  headers: Headers;
}

const RETRIED = new Set([429, 503]);

/**
 * One HTTP exchange with retries. A POST carries one Idempotency-Key for all its tries, so a retry
 * after a lost answer writes nothing twice. 503 and 429 are retried after Retry-After (seconds or an
 * HTTP date) or capped exponential backoff; so is a network error. Every other non-2xx throws
 * BusApiError at once.
 */
export class HttpCore {
  private readonly fetchImpl: typeof fetch;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.retry = { attempts: 4, baseDelayMs: 250, maxDelayMs: 10_000, ...options.retry };
  }

  async call<T>(method: string, path: string, body?: unknown, call: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST') headers['idempotency-key'] = call.idempotencyKey ?? (this.options.idempotencyKey ?? randomUUID)();
    const url = new URL(path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`).toString();
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout,
        });
      } catch (error) {
        if (call.signal?.aborted || attempt >= this.retry.attempts) {
          throw new BusApiError(0, { statusCode: 0, error: 'NETWORK', message: error instanceof Error ? error.message : String(error) }, method, path);
        }
        await sleep(this.backoff(attempt), call.signal);
        continue;
      }
      const text = await response.text();
      const parsed = parseJson(text);
      if (response.ok) return { status: response.status, data: parsed as T, headers: response.headers };
      if (RETRIED.has(response.status) && attempt < this.retry.attempts) {
        await sleep(this.delayFor(response, attempt), call.signal);
        continue;
      }
      throw new BusApiError(response.status, asProblem(response.status, parsed, text), method, path, response.headers);
    }
  }

  private backoff(attempt: number): number {
    const exponential = this.retry.baseDelayMs * 2 ** (attempt - 1);
    // Full jitter keeps many units' systems from retrying in step after an outage.
    return Math.min(this.retry.maxDelayMs, Math.round(exponential / 2 + (Math.random() * exponential) / 2));
  }

  private delayFor(response: Response, attempt: number): number {
    const header = response.headers.get('retry-after');
    if (header) {
      const seconds = Number(header);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
      if (Number.isFinite(ms)) return Math.min(this.retry.maxDelayMs, Math.max(0, ms));
    }
    return this.backoff(attempt);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asProblem(status: number, parsed: unknown, text: string): Problem {
  if (typeof parsed === 'object' && parsed !== null && typeof (parsed as Problem).message === 'string') {
    const problem = parsed as Problem;
    return { statusCode: problem.statusCode ?? status, error: problem.error ?? String(status), message: problem.message, problems: problem.problems };
  }
  return { statusCode: status, error: String(status), message: text.slice(0, 500) || `HTTP ${status}` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }, { once: true });
  });
}

/** `?a=1&b=2` from defined values only. */
export function query(params: object | undefined): string {
  const entries = Object.entries(params ?? {}).filter(([, value]) => value !== undefined && value !== null);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)])).toString()}`;
}
