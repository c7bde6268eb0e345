import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '../../support/free-port.js';

/** How the stand-in answers: 2xx, an error status, never (until told otherwise), or late. */
export type Behaviour = { mode: 'ok' } | { mode: 'fail'; status: number } | { mode: 'hang' } | { mode: 'slow'; delayMs: number };

/** What one path (a unit, or the office) received, by message id (a unit) or alert key (the office). */
export interface Hits {
  /** every POST, answered or not */
  attempts: Map<string, number>;
  /** POSTs answered 2xx: more than one for an id is a repeat */
  accepted: Map<string, number>;
}

/**
 * A unit's own system (and the office's) for the fault suite: receives the bus's webhooks on
 * /<path>, and fails, hangs or answers slowly on demand. It counts what arrived by message id
 * (X-Bus-Message-Id) or, for the office, by alert key, so a scenario can tell a lost message
 * from a repeated one.
 */
export class FaultyUnitSystem {
  private server?: Server;
  private port = 0;
  private behaviour: Behaviour = { mode: 'ok' };
  private readonly hanging = new Set<ServerResponse>();
  private readonly hits = new Map<string, Hits>();
  /** when the last 2xx was answered (the end of a recovery) */
  lastAcceptedAt = 0;
  /** performance.now() of the first 2xx answer per id (the benchmark's delivery time) */
  readonly firstAcceptedAt = new Map<string, number>();

  async start(): Promise<void> {
    this.port = await freePort();
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1_000;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}/${path}`;
  }

  /** From now on answer like this; requests left hanging are answered 503 when the mode changes. */
  behave(behaviour: Behaviour): void {
    this.behaviour = behaviour;
    for (const res of this.hanging) res.writeHead(503).end();
    this.hanging.clear();
  }

  of(path: string): Hits {
    let hits = this.hits.get(path);
    if (!hits) {
      hits = { attempts: new Map(), accepted: new Map() };
      this.hits.set(path, hits);
    }
    return hits;
  }

  /** Ids answered 2xx more than once, counted once per extra answer. */
  repeats(path: string): number {
    let repeats = 0;
    for (const count of this.of(path).accepted.values()) repeats += Math.max(0, count - 1);
    return repeats;
  }

  async stop(): Promise<void> {
    this.behave({ mode: 'ok' });
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = (req.url ?? '').slice(1);
      let id = String(req.headers['x-bus-message-id'] ?? '');
      if (!id) {
        try {
          id = (JSON.parse(raw) as { key?: string }).key ?? '';
        } catch {
          id = '';
        }
      }
      const hits = this.of(path);
      hits.attempts.set(id, (hits.attempts.get(id) ?? 0) + 1);
      const behaviour = this.behaviour;
      const accept = () => {
        if (res.destroyed) return;
        hits.accepted.set(id, (hits.accepted.get(id) ?? 0) + 1);
        this.lastAcceptedAt = Date.now();
        if (!this.firstAcceptedAt.has(id)) this.firstAcceptedAt.set(id, performance.now());
        res.writeHead(204).end();
      };
      switch (behaviour.mode) {
        case 'ok':
          accept();
          return;
        case 'fail':
          res.writeHead(behaviour.status).end();
          return;
        case 'hang':
          this.hanging.add(res);
          res.once('close', () => this.hanging.delete(res));
          return;
        case 'slow':
          setTimeout(accept, behaviour.delayMs);
          return;
      }
    });
  }
}
