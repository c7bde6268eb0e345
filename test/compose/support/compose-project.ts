import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export type Profile = 'default' | 'cluster' | 'redis-free';

/** What differs between the topologies: the compose profile, and the queues' settings (README, "Topologies"). */
const TOPOLOGY: Record<Profile, { profiles: string[]; env: Record<string, string> }> = {
  default: { profiles: ['default'], env: { QUEUE_BACKEND: 'redis', REDIS_URL: 'redis://redis:6379' } },
  cluster: { profiles: ['cluster'], env: { QUEUE_BACKEND: 'redis', REDIS_URL: 'redis://redis-c1:6379,redis://redis-c2:6379,redis://redis-c3:6379' } },
  'redis-free': { profiles: [], env: { QUEUE_BACKEND: 'postgres', REDIS_URL: '' } },
};

/** The units whose systems the test runs (test/compose/unit-systems.compose.yml). */
export const UNIT_SYSTEMS = ['procuratorate', 'civil-affairs', 'education'] as const;
const envPrefix = (code: string) => code.toUpperCase().replaceAll('-', '_');

/** The services that run once and exit 0; every other one stays up and must report healthy. */
const ONE_SHOT = new Set(['migrate', 'queue-ready', 'redis-cluster-init']);

interface ContainerState {
  service: string;
  name: string;
  status: string;
  health: string | null;
  exitCode: number;
  oneShot: boolean;
}

/**
 * docker-compose.yml, one profile, as an operator runs it (the same file, `.env` from
 * scripts/bus-keys.mjs), plus the units' systems: through whichever compose answers, `docker compose`
 * or docker-compose 1.29 (COMPOSE_COMMAND, set by scripts/lib/compose-suite.mjs).
 */
export class ComposeProject {
  readonly project: string;
  private readonly keys: Record<string, { apiKey: string; webhookSecret: string }>;

  constructor(
    readonly profile: Profile,
    readonly postgresPort: number,
  ) {
    this.project = `bus-compose-${profile}`;
    this.keys = JSON.parse(readFileSync('.bus/keys.json', 'utf8')) as Record<string, { apiKey: string; webhookSecret: string }>;
  }

  apiKey(code: string): string {
    return this.keys[code].apiKey;
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...TOPOLOGY[this.profile].env, POSTGRES_HOST_PORT: String(this.postgresPort), REDIS_HOST_PORT: String(this.postgresPort + 1) };
    for (const unit of UNIT_SYSTEMS) {
      env[`${envPrefix(unit)}_API_KEY`] = this.keys[unit].apiKey;
      env[`${envPrefix(unit)}_WEBHOOK_SECRET`] = this.keys[unit].webhookSecret;
    }
    if (!env.REDIS_URL) delete env.REDIS_URL;
    return env;
  }

  private args(rest: string[]): [string, string[]] {
    const [command, ...sub] = (process.env.COMPOSE_COMMAND ?? 'docker compose').split(' ');
    const profiles = TOPOLOGY[this.profile].profiles.flatMap((name) => ['--profile', name]);
    return [
      command,
      [...sub, '--env-file', process.env.COMPOSE_ENV_FILE ?? '.env', '-p', this.project, '-f', 'docker-compose.yml', '-f', 'test/compose/unit-systems.compose.yml', ...profiles, ...rest],
    ];
  }

  /** Runs a compose command; its output is returned, and shown with the error if it fails. */
  async compose(rest: string[], timeoutMs = 600_000): Promise<string> {
    const [command, args] = this.args(rest);
    try {
      const { stdout, stderr } = await exec(command, args, { env: this.env(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
      return `${stdout}${stderr}`;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${(failed.stderr ?? '').slice(-8000)}`, { cause: error });
    }
  }

  /**
   * `up --build -d`, with the build done once: every app service runs the one image, and
   * docker-compose 1.29 would otherwise rebuild it (from its cache) once per service. Under
   * `npm run test:compose` the image is built before the first profile (COMPOSE_IMAGE_BUILT).
   */
  async up(): Promise<string> {
    if (process.env.COMPOSE_IMAGE_BUILT) return this.compose(['up', '-d', '--no-build'], 900_000);
    const built = await this.compose(['build', 'migrate'], 900_000);
    return built + (await this.compose(['up', '-d'], 900_000));
  }

  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans'], 300_000);
  }

  async containers(): Promise<ContainerState[]> {
    const { stdout } = await exec('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${this.project}`]);
    const ids = stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const { stdout: json } = await exec('docker', ['inspect', ...ids], { maxBuffer: 64 * 1024 * 1024 });
    const inspected = JSON.parse(json) as {
      Name: string;
      Config: { Labels: Record<string, string>; Healthcheck?: { Test?: string[] } };
      State: { Status: string; ExitCode: number; Health?: { Status: string } };
    }[];
    return inspected.map((c) => ({
      service: c.Config.Labels['com.docker.compose.service'],
      name: c.Name.replace(/^\//, ''),
      status: c.State.Status,
      health: c.State.Health?.Status ?? null,
      exitCode: c.State.ExitCode,
      oneShot: ONE_SHOT.has(c.Config.Labels['com.docker.compose.service']),
    }));
  }

  async container(service: string): Promise<string> {
    const found = (await this.containers()).find((c) => c.service === service);
    if (!found) throw new Error(`no container of the service ${service}`);
    return found.name;
  }

  /** A container's output; with `timestamps`, each line starts with the time Docker received it (RFC 3339). */
  async logs(service: string, tail = 'all', timestamps = false): Promise<string> {
    const { stdout, stderr } = await exec('docker', ['logs', ...(timestamps ? ['--timestamps'] : []), '--tail', tail, await this.container(service)], { maxBuffer: 256 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  }

  async dockerExec(service: string, command: string[]): Promise<string> {
    const { stdout } = await exec('docker', ['exec', await this.container(service), ...command], { timeout: 20_000 });
    return stdout;
  }

  /** SIGKILL, as a machine that dies: no graceful stop. */
  async kill(service: string): Promise<void> {
    await exec('docker', ['kill', '--signal', 'KILL', await this.container(service)]);
  }

  /**
   * Waits until every long-running service reports healthy and every one-shot one has exited 0.
   * Throws naming the service that did not, with its last log lines.
   */
  async waitHealthy(timeoutMs: number): Promise<{ services: number }> {
    const deadline = Date.now() + timeoutMs;
    let pending: ContainerState[] = [];
    let all: ContainerState[] = [];
    while (Date.now() < deadline) {
      all = await this.containers();
      const failed = all.find((c) => c.oneShot && c.status === 'exited' && c.exitCode !== 0);
      if (failed) throw new Error(`${failed.service} exited with ${failed.exitCode}:\n${(await this.logs(failed.service, '60')).slice(-6000)}`);
      pending = all.filter((c) => (c.oneShot ? c.status !== 'exited' : c.health !== 'healthy'));
      if (all.length > 0 && pending.length === 0) return { services: all.length };
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const first = pending[0];
    const logs = first ? (await this.logs(first.service, '60').catch((error: Error) => error.message)).slice(-6000) : '';
    throw new Error(
      `not healthy after ${Math.round(timeoutMs / 1000)} s: ${pending.map((c) => `${c.service} (${c.status}${c.health ? `, ${c.health}` : ''})`).join(', ') || 'no container'}\n` +
        (first ? `${first.service}'s last lines:\n${logs}` : ''),
    );
  }
}
