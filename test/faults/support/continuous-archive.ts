import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PostgresServer } from './postgres-server.js';

const run = promisify(execFile);

/** Every pg_receivewal a drill started: stopped when the test process exits, whatever happened. */
const receivers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of receivers) child.kill('SIGKILL');
});

/** The name pg_receivewal reports itself under, and so the synchronous standby's. */
const RECEIVER_NAME = 'pg_receivewal';
const SLOT = 'bus_wal';

/**
 * The production set-up of docs/operations.md ("Backup and restore") around one scenario's
 * PostgreSQL: pgBackRest takes full and incremental backups into a repository and archives every
 * finished WAL segment (archive_command); pg_receivewal streams the WAL as it is written, and is the
 * server's synchronous standby, so a commit — and so a 201 — is answered only once the backup side
 * holds it. The repository and the streamed WAL sit beside the data directory here; in production
 * they are on another machine (pgBackRest's repo host, or an object store), which losing the
 * primary does not take with it.
 */
export class ContinuousArchive {
  private receiver?: ChildProcess;
  /** one folder of streamed WAL per life of the server (a restore starts a new timeline) */
  private readonly streams: string[] = [];

  private constructor(
    private readonly server: PostgresServer,
    readonly folder: string,
    readonly stanza: string,
  ) {}

  get config(): string {
    return join(this.folder, 'pgbackrest.conf');
  }

  /**
   * Writes pgBackRest's configuration, creates the stanza, turns archiving on (the server runs with
   * archive_mode=on) and starts streaming. The server must be running.
   */
  static async setUp(server: PostgresServer, stanza = 'bus'): Promise<ContinuousArchive> {
    const folder = join(server.folder, 'backup');
    const archive = new ContinuousArchive(server, folder, stanza);
    for (const dir of [folder, join(folder, 'repo'), join(folder, 'log'), join(folder, 'lock')]) {
      mkdirSync(dir, { recursive: true });
      server.own(dir);
    }
    writeFileSync(
      archive.config,
      [
        '[global]',
        `repo1-path=${join(folder, 'repo')}`,
        'repo1-retention-full=2',
        `log-path=${join(folder, 'log')}`,
        `lock-path=${join(folder, 'lock')}`,
        'log-level-console=warn',
        // pgBackRest's own log (archive-push included) beside the repository, for a failing drill's diagnosis
        'log-level-file=info',
        'compress-type=lz4',
        // a cluster is mostly small files: bundled, the repository writes (and syncs) a few large ones
        'repo1-bundle=y',
        'process-max=2',
        // the backup starts at once, with an immediate checkpoint, rather than at the next scheduled one
        'start-fast=y',
        '',
        `[${stanza}]`,
        `pg1-path=${server.dataDir}`,
        `pg1-port=${server.port}`,
        `pg1-socket-path=${server.folder}`,
        '',
      ].join('\n'),
    );
    server.own(archive.config);
    await archive.pgbackrest(['stanza-create']);
    await archive.sql(`ALTER SYSTEM SET archive_command = '${`pgbackrest --config=${archive.config} --stanza=${stanza} archive-push %p`.replaceAll("'", "''")}'`);
    await archive.sql('SELECT pg_reload_conf()');
    await archive.startStreaming();
    return archive;
  }

  /** A backup of the running server; resolves with how long it took, in ms. */
  async backup(type: 'full' | 'incr'): Promise<number> {
    const started = Date.now();
    await this.pgbackrest([`--type=${type}`, 'backup']);
    return Date.now() - started;
  }

  /**
   * pg_receivewal into a new folder, on a replication slot (created if missing: a restored server
   * has none), then the server waits for it on every commit (synchronous_standby_names).
   */
  async startStreaming(): Promise<void> {
    const dir = join(this.folder, `wal-stream-${this.streams.length + 1}`);
    mkdirSync(dir, { recursive: true });
    this.server.own(dir);
    this.streams.push(dir);
    const connection = ['-h', '127.0.0.1', '-p', String(this.server.port), '-U', 'postgres'];
    await run(this.server.binary('pg_receivewal'), ['-D', dir, ...connection, `--slot=${SLOT}`, '--create-slot', '--if-not-exists'], this.server.asOwner());
    const child = spawn(this.server.binary('pg_receivewal'), ['-D', dir, ...connection, `--slot=${SLOT}`, '--synchronous', '--no-loop'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...this.server.asOwner(),
    });
    let output = '';
    child.stderr?.on('data', (chunk) => (output += chunk));
    this.receiver = child;
    receivers.add(child);
    child.once('exit', () => receivers.delete(child));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await this.sql(`SELECT 1 FROM pg_stat_replication WHERE application_name = '${RECEIVER_NAME}'`);
      if (rows.length > 0) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pg_receivewal did not connect: ${output.slice(-1000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.sql(`ALTER SYSTEM SET synchronous_standby_names = '${RECEIVER_NAME}'`);
    await this.sql('SELECT pg_reload_conf()');
    const syncBy = Date.now() + 10_000;
    while ((await this.sql(`SELECT 1 FROM pg_stat_replication WHERE application_name = '${RECEIVER_NAME}' AND sync_state = 'sync'`)).length === 0) {
      if (Date.now() > syncBy) throw new Error('pg_receivewal did not become the synchronous standby');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops pg_receivewal (after the primary was lost it has stopped by itself). */
  async stopStreaming(): Promise<void> {
    const child = this.receiver;
    this.receiver = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

  /**
   * Restores the lost server's data directory from the repository (the last backup, then the
   * archived WAL), then hands PostgreSQL the streamed WAL that was not archived yet (the segment
   * being written when the primary was lost): to the end of it ("latest"), or to `targetTime`
   * on the timeline of the backup. The server is then started as usual; it promotes itself at the
   * end of recovery, onto a new timeline.
   */
  async restore(target: { time?: string } = {}): Promise<number> {
    if (this.server.running) throw new Error('restore: stop the server first');
    const started = Date.now();
    const pointInTime = target.time ? [`--type=time`, `--target=${target.time}`, '--target-action=promote', '--target-timeline=current'] : [];
    await this.pgbackrest([...pointInTime, 'restore']);
    const pgWal = join(this.server.dataDir, 'pg_wal');
    for (const dir of this.streams) {
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        if (!/^[0-9A-F]{24}(\.partial)?$/.test(file)) continue;
        const into = join(pgWal, file.replace(/\.partial$/, ''));
        copyFileSync(join(dir, file), into);
        this.server.own(into);
      }
    }
    return Date.now() - started;
  }

  /** pgBackRest's log files (one per command and stanza). */
  logs(): { name: string; path: string }[] {
    const dir = join(this.folder, 'log');
    return existsSync(dir) ? readdirSync(dir).map((name) => ({ name, path: join(dir, name) })) : [];
  }

  /** The repository's backups, as `pgbackrest info` prints them. */
  async info(): Promise<string> {
    return (await this.pgbackrest(['info'])).stdout;
  }

  private pgbackrest(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run('pgbackrest', [`--config=${this.config}`, `--stanza=${this.stanza}`, ...args], { ...this.server.asOwner(), timeout: 120_000 });
  }

  private async sql(statement: string): Promise<unknown[]> {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${this.server.port}/postgres` });
    await client.connect();
    try {
      return (await client.query(statement)).rows;
    } finally {
      await client.end();
    }
  }
}
