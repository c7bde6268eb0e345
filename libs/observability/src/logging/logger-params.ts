import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { LogLevel } from '#config';

/** Paths an orchestrator or Prometheus calls every few seconds: served, but not logged per request. */
const PROBE_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

/**
 * nestjs-pino's settings, one for every app: JSON lines with `app` (and `agency` for an adapter).
 * A request is logged by method, URL, status and duration only: never its body (citizens' data),
 * never its headers; authorization and cookies are redacted should a serializer ever add them.
 */
export function loggerParams(options: { app: string; agency?: string; level: LogLevel; sharedBy?: readonly { agency: string; port: number }[] }): Params {
  return {
    pinoHttp: {
      level: options.level,
      base: { app: options.app, ...unitFields(options), pid: process.pid, hostname: hostname() },
      // Several units' adapters in one process share one pino-http instance (nestjs-pino keeps one
      // per process, built from the first app's settings): a request's line names the unit by the
      // port that answered it.
      ...(options.sharedBy ? { customProps: unitOfPort(options.sharedBy) } : {}),
      timestamp: stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // Logs made while a request is handled carry its id only; the request itself is logged once, when done.
      quietReqLogger: true,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req: IncomingMessage) => PROBE_PATHS.test(req.url ?? '') },
    },
  };
}

/** `agency` for an adapter of one unit; `units` (all of them, never one that may be wrong) for a shared process. */
function unitFields(options: { agency?: string; sharedBy?: readonly { agency: string }[] }): Record<string, string> {
  if (options.sharedBy) return { units: options.sharedBy.map((unit) => unit.agency).join(',') };
  return options.agency ? { agency: options.agency } : {};
}

function unitOfPort(units: readonly { agency: string; port: number }[]) {
  const byPort = new Map(units.map((unit) => [unit.port, unit.agency]));
  return (req: IncomingMessage): Record<string, string> => {
    const agency = byPort.get(req.socket.localPort ?? 0);
    return agency ? { agency } : {};
  };
}
