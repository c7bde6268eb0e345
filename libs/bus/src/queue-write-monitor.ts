/**
 * Whether the queue layer takes this process's writes (refuse rather than pretend). A Redis at its memory limit with `noeviction` answers every add with an OOM error
 * while reads still work; the outbox keeps accepted messages safe in PostgreSQL meanwhile, but
 * health, metrics and the office must know that nothing is moving.
 */
export class QueueWriteMonitor {
  private refusingSinceMs: number | null = null;
  private lastErrorText: string | null = null;
  private failures = 0;
  private evictingText: string | null = null;
  private readonly evictionListeners: ((evicting: string | null) => void)[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Why Redis may drop keys now (its maxmemory-policy changed while the bus runs), or null while it
   * keeps them. A process refuses work meanwhile as it refuses to start on such a Redis: its workers
   * stop taking jobs, its publishes are refused (the outbox keeps them), readiness is down.
   */
  get evicting(): string | null {
    return this.evictingText;
  }

  /** Set by the process's policy check (RedisPolicyWatch); each change is told to the listeners. */
  setEvicting(evicting: string | null): void {
    if (evicting === this.evictingText) return;
    this.evictingText = evicting;
    for (const listener of this.evictionListeners) listener(evicting);
  }

  onEvictionChange(listener: (evicting: string | null) => void): void {
    this.evictionListeners.push(listener);
  }

  succeeded(): void {
    this.refusingSinceMs = null;
    this.lastErrorText = null;
  }

  failed(error: unknown): void {
    this.failures += 1;
    this.refusingSinceMs ??= this.now();
    this.lastErrorText = error instanceof Error ? error.message : String(error);
  }

  /** Milliseconds since the first of the current run of refused writes; 0 while writes succeed. */
  refusingForMs(): number {
    return this.refusingSinceMs === null ? 0 : this.now() - this.refusingSinceMs;
  }

  get lastError(): string | null {
    return this.lastErrorText;
  }

  /** Writes refused since the process started (a counter for /metrics). */
  get failedWrites(): number {
    return this.failures;
  }

  /** Runs a write through the monitor: its outcome is recorded, its error passed on. */
  async watch<T>(write: () => Promise<T>): Promise<T> {
    try {
      if (this.evictingText) throw new Error(`refused while Redis may evict keys: ${this.evictingText}`);
      const result = await write();
      this.succeeded();
      return result;
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }
}

/** Injection token of the process's one monitor (shared by its driver, health and metrics). */
export const QUEUE_WRITE_MONITOR = Symbol('QUEUE_WRITE_MONITOR');
