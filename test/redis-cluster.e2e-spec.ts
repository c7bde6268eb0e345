import { spawn } from 'node:child_process';
import { describeOnRedisServer } from './support/queue-mode.js';

// The bus on a local Redis Cluster (3 masters, a replica each, started by bench/burst.mjs on free
// ports), with two replicas of the procuratorate's and education's adapters and the scheduler: a
// burst of referrals while one education replica and the master holding {inbox.education} are
// SIGKILLed. Nothing lost or doubled: one inbox row and one `received` step per handoff, and every
// receipt back at the sender (two outbox relays and two consumers on the same rows and queue).

function burst(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/burst.mjs', ...args], {
      env: { ...process.env, TEMPLATE_DATABASE_URL: process.env.DATABASE_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describeOnRedisServer('the bus on a Redis Cluster, losing a master and an adapter replica mid-burst', () => {
  it('records every message exactly once and returns every receipt', async () => {
    const { code, output } = await burst(['cluster', '60', '--faults']);
    const line = output.split('\n').find((l) => l.startsWith('{"mode"'));
    if (!line) throw new Error(`the burst printed no result line:\n${output}`);
    const result = JSON.parse(line);
    expect(result.faults).toHaveLength(2);
    expect(result).toMatchObject({ count: 60, handoffs: 60, inboxRows: 60, distinctInboxMessages: 60, receivedSteps: 60, receiptsBack: 60, ok: true });
    expect(code).toBe(0);
  }, 400_000);
});
