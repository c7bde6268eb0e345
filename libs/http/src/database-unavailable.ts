/** Error codes that mean "the database cannot be reached now", not "this request is wrong". */
const UNAVAILABLE_CODES = new Set([
  // node's socket errors, as pg reports them
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE',
  // PostgreSQL: admin/crash shutdown, cannot connect now, too many connections, connection failures
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
  // Prisma: can't reach, timed out, server closed the connection, pool timeout, transaction could not start
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028',
]);

const UNAVAILABLE_MESSAGES = [
  /can't reach database server/i,
  /connection terminated/i,
  /connect ECONNREFUSED/i,
  /unable to start a transaction in the given time/i,
  /timed out fetching a new connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /server closed the connection unexpectedly/i,
];

/**
 * Whether an error (or one of its causes) says PostgreSQL is unreachable or overloaded. The API
 * then answers 503 with Retry-After instead of 500: nothing was written, and the same request
 * will work once the database is back (refuse rather than pretend).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, kind, originalCode } = error as { code?: unknown; message?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode)) return true;
  // @prisma/driver-adapter-utils error kinds for a connection that cannot be made or was lost
  if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout' || kind === 'TooManyConnections') return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
