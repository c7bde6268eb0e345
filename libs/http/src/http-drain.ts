import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How long requests in flight at shutdown may take before their connections are cut. */
export const HTTP_DRAIN_GRACE_MS = 10_000;

/**
 * Lets an app's HTTP server close at SIGTERM. Nest closes the server after the drain (its
 * beforeApplicationShutdown hooks), and Node's server.close() then waits for every connection to
 * end — but a keep-alive client that polls without pause (a unit system pulling its inbox) never
 * leaves its connection idle, so the app outlived its SIGTERM. From the drain on, every response
 * says `Connection: close`, idle connections are closed at once, and whatever is still open after
 * HTTP_DRAIN_GRACE_MS is cut.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  constructor(private readonly host: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.host.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) drainHttpServer(server, HTTP_DRAIN_GRACE_MS);
  }
}

export function drainHttpServer(server: Server, graceMs: number): void {
  server.on('request', (_request, response) => {
    response.shouldKeepAlive = false;
  });
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), graceMs).unref();
}
