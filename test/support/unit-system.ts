import { createServer, type Server } from 'node:http';
import { verifyWebhook } from '#bus';
import { freePort } from './free-port.js';

export interface ReceivedWebhook {
  path: string;
  messageId: string;
  type: string;
  signatureValid: boolean;
  body: Record<string, unknown>;
}

/**
 * Stands in for the units' own IT systems: receives webhook POSTs on /<unit>, checks each
 * signature with that unit's secret, and records what arrived. `failNext` makes it answer 503.
 */
export class UnitSystems {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  private port = 0;
  private failuresLeft = 0;

  constructor(private readonly secrets: Record<string, string>) {}

  async start(): Promise<void> {
    this.port = await freePort();
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        if (this.failuresLeft > 0) {
          this.failuresLeft--;
          res.writeHead(503).end();
          return;
        }
        const path = (req.url ?? '').slice(1);
        this.received.push({
          path,
          messageId: String(req.headers['x-bus-message-id']),
          type: String(req.headers['x-bus-message-type']),
          signatureValid: verifyWebhook(this.secrets[path] ?? '', raw, req.headers['x-bus-signature'] as string, Math.floor(Date.now() / 1000)),
          body: JSON.parse(raw),
        });
        res.writeHead(204).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  /** A receiver that is not a unit (the office's system) verifies with its own secret. */
  trust(path: string, secret: string): void {
    this.secrets[path] = secret;
  }

  url(unit: string): string {
    return `http://127.0.0.1:${this.port}/${unit}`;
  }

  failNext(count: number): void {
    this.failuresLeft = count;
  }

  for(unit: string, type?: string): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.path === unit && (type === undefined || hook.type === type));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
