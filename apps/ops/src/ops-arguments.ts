/** `npm run ops -- <command> [positional] [--flag value] [--switch]`, parsed once. */
export interface OpsArguments {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const SWITCHES = new Set(['dry-run', 'json', 'all', 'scheduler', 'include-replayed']);

export function parseOpsArguments(argv: readonly string[]): OpsArguments {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (SWITCHES.has(name)) flags.set(name, true);
    else {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { command, positional, flags };
}

/** "90s", "5m", "2h", "1d" (or plain milliseconds) as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`not a duration: ${text} (e.g. 90s, 5m, 2h, 1d)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const OPS_USAGE = `npm run ops -- <command>   (DATABASE_URL, REDIS_URL / QUEUE_BACKEND, QUEUE_PREFIX as the apps have them)
  stuck [--older-than 5m] [--unit <code>|scheduler] [--kind message|step-event|delivery|alert] [--json]
        messages not taken up, deliveries not done, alerts not sent, oldest first
  dead-letters [--unit <code>|scheduler] [--type <job name>] [--older-than 10m] [--include-replayed] [--json]
        permanent failures waiting for an operator
  replay <dead-letter id> | --all | --unit <code> [--type <job name>]  [--dry-run]
        after a fix: sends each dead letter's message again under a new job id (the inbox key still dedupes)
  reconcile [--unit <code> | --scheduler] [--dry-run] [--json]
        compares PostgreSQL's state with the queues now and queues again what has no live job (default: every unit and the scheduler)
  history <message or alert id>
        the message's whole story on both ends: written, published, taken up, delivered, failed, replayed
  orphans [--json]
        after a restore to an earlier point: jobs (live or finished) naming messages the database no longer has,
        and per sender the handoffs to send again`;
