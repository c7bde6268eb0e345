import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { AgencyCode } from '#contracts';
import { freePort } from './free-port.js';

const MAIN = resolve('dist/apps/adapter/src/main.js');

export interface AdapterOptions {
  agency: AgencyCode;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  delivery: { mode: 'pull' } | { mode: 'webhook'; url: string; secret: string };
  extraEnv?: Record<string, string>;
}

/**
 * One unit's adapter as its own OS process, started from dist/ exactly as `npm run bus` starts
 * it, so a test can kill it with SIGKILL and start it again.
 */
export class AdapterProcess {
  readonly apiKey: string;
  port = 0;
  private child?: ChildProcess;
  private output = '';

  constructor(private readonly options: AdapterOptions) {
    this.apiKey = `test-key-${options.agency}-${Math.random().toString(36).slice(2)}`;
  }

  get agency(): AgencyCode {
    return this.options.agency;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process printed, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const { agency, databaseUrl, redisUrl, queuePrefix, delivery } = this.options;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      AGENCY: agency,
      PORT: String(this.port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      API_KEY_SHA256: createHash('sha256').update(this.apiKey).digest('hex'),
      DELIVERY_MODE: delivery.mode,
      OUTBOX_POLL_MS: '100',
      INBOX_BACKOFF_MS: '100',
      DELIVERY_BACKOFF_MS: '100',
      ...(delivery.mode === 'webhook' ? { WEBHOOK_URL: delivery.url, WEBHOOK_SECRET: delivery.secret } : {}),
      ...this.options.extraEnv,
    };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    await this.waitReady(child);
  }

  /** SIGKILL: no shutdown hook runs, as when a machine loses power. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, body, headers);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await exited;
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.options.agency} adapter exited (${child.exitCode}):\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/openapi.json`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.options.agency} adapter did not start within 30 s:\n${this.output}`);
  }
}
