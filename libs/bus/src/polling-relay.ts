import type { BeforeApplicationShutdown } from '@nestjs/common';

/**
 * A loop that drains a table-backed outbox: it runs every `pollMs`, so rows written before a
 * crash go out after restart, and `kick()` after a write runs it at once. Passes never overlap:
 * a kick during a pass runs another one right after it.
 */
export abstract class PollingRelay implements BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  protected constructor(private readonly pollMs: number) {}

  /** One pass; errors are the subclass's to log — the loop goes on regardless. */
  protected abstract drain(): Promise<void>;

  /** Starts the loop with a first pass. */
  protected startPolling(): void {
    this.kick();
  }

  /** Before the queue driver and the database close (PrismaService closes last). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops the loop after the pass under way, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  protected get isStopped(): boolean {
    return this.stopped;
  }

  /** Run a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else if (!this.stopped) {
        this.timer = setTimeout(() => this.kick(), this.pollMs);
      }
    });
  }
}
