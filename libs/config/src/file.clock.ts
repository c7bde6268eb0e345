import { readFileSync } from 'node:fs';
import type { Clock } from './clock.js';

/**
 * A clock a test (or a drill) sets by writing an ISO instant into a file, so a scheduler running
 * as its own process can be moved through days of deadlines without waiting. Falls back to the
 * system clock while the file is absent.
 */
export class FileClock implements Clock {
  constructor(private readonly path: string) {}

  now(): Date {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8').trim();
    } catch {
      return new Date();
    }
    const instant = new Date(text);
    if (Number.isNaN(instant.getTime())) throw new Error(`${this.path} does not hold an ISO instant: ${text}`);
    return instant;
  }
}
