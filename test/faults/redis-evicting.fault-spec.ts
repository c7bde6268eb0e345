import { emptyOutcome } from './support/fault-bus.js';
import { faultScenario } from './support/scenario.js';

// A Redis whose maxmemory-policy evicts keys would drop jobs (lost messages) or locks (doubled
// ones). Every app refuses to start on it, exits, and names the setting in one line (issue 8 point 4).

const name = 'Redis evicting (allkeys-lru)';

faultScenario(name, { start: false, redisConfig: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru' } }, async (bus) => {
  const results: { started: string; code: number | null }[] = [];
  for (const app of bus().apps) {
    const started = await app.start().then(
      () => 'started',
      (error: Error) => error.message,
    );
    results.push({ started, code: started === 'started' ? null : (await app.exited()).code });
  }
  const refused = results.filter((r) => r.started !== 'started' && r.code !== 0 && r.code !== null);
  bus().record(emptyOutcome(name, [`refused at start by ${refused.length} of ${results.length} apps (exit codes ${results.map((r) => r.code).join(', ')})`]));
  for (const result of results) {
    expect(result.started).toMatch(/maxmemory-policy allkeys-lru: set maxmemory-policy noeviction/);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
  }
});
