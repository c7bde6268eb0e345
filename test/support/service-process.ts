import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_CRYPTO_SUITE } from './security-env.js';
import { resolve } from 'node:path';
import { freePort } from './free-port.js';

/** Every app a test started and that may still run: killed when the test process exits, whatever happened. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * One app of the bus as its own OS process, started from dist/ exactly as `npm run bus` starts
 * it, so a test can kill it with SIGKILL and start it again on the same port.
 */
export class ServiceProcess {
  port = 0;
  private child?: ChildProcess;
  private output = '';
  /** node's own flags for the next start (the benchmark's --cpu-prof; NODE_OPTIONS refuses it) */
  execArgv: string[] = [];
  /** how the last run ended (null while it runs or never ran) */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(
    readonly name: string,
    private readonly main: string,
    private readonly env: () => Record<string, string>,
    readonly apiKey: string,
    /** answers 200 once the app serves requests */
    private readonly readyPath = '/openapi.json',
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The OS process id while it runs (the benchmark reads its RSS). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** What the process printed, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    // The run's queue backend (scripts/test.mjs runs the e2e suite once per backend); a test's own env wins.
    const backend = process.env.QUEUE_BACKEND ? { QUEUE_BACKEND: process.env.QUEUE_BACKEND } : {};
    // The run's cryptography suite (.ci/run's national pass sets CRYPTO_SUITE): every app of the test in it, with keys of its kind.
    const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', PORT: String(this.port), ...backend, CRYPTO_SUITE: TEST_CRYPTO_SUITE, ...this.env() };
    const child = spawn(process.execPath, [...this.execArgv, resolve(this.main)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    child.once('exit', (code, signal) => {
      live.delete(child);
      this.lastExit = { code, signal };
    });
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

  /** The process is running (started, not exited; a stopped one counts as running). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal without waiting (SIGSTOP / SIGCONT freeze and thaw the process). */
  send(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /** Resolves when the process has exited (at once if it is not running). */
  async exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child && this.running) await new Promise((resolveExit) => child.once('exit', resolveExit));
    return this.lastExit ?? { code: null, signal: null };
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

  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await exited;
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    // Generous: on a shared 2-core machine under load, a cold start of a Nest app can take 20 s and more.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited (${child.exitCode}):\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}${this.readyPath}`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not start within 90 s:\n${this.output}`);
  }
}
