import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BusAdapterClient } from '#client';
import { eventually } from '../../support/eventually.js';
import { advanceReferral, judicialReferral, socialLead, urgentMedicalNotice } from '../../support/factories.js';
import { freePort } from '../../support/free-port.js';
import { scrape } from '../../support/metrics.js';
import { ComposeProject, type Profile } from './compose-project.js';

/** Every service's published port on 127.0.0.1 (docker-compose.yml). */
export const ADAPTER_PORTS = { procuratorate: 3101, education: 3102, 'civil-affairs': 3103 } as const;
const SCHEDULER = 'http://127.0.0.1:3200';
const CONSOLE = 'http://127.0.0.1:3300';
const HEALTHY_WITHIN_MS = Number(process.env.COMPOSE_HEALTHY_SECONDS ?? 600) * 1000;
const FULL_TIMELINE = ['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received'];

/** One profile's line of the table `npm run test:compose` prints (scripts/lib/compose-suite.mjs). */
export interface ProfileRow {
  profile: Profile;
  services: number;
  upSeconds: number;
  healthySeconds: number;
  downSeconds?: number;
  flows: string;
  consoleAndMetrics: string;
  totalSeconds: number;
  accepted?: number;
  delivered?: number;
  lost?: number;
  doubled?: number;
  webhookRepeats?: number;
  notes: string[];
  passed: boolean;
}

export interface ProfileContext {
  project: () => ComposeProject;
  row: ProfileRow;
  /** `it`, with a failure marked on the profile's row and its first line in the row's notes */
  test: (name: string, body: () => Promise<void>, timeoutMs: number) => void;
}

type Unit = keyof typeof ADAPTER_PORTS;

export function unitClient(project: ComposeProject, unit: Unit): BusAdapterClient {
  return new BusAdapterClient({ baseUrl: `http://127.0.0.1:${ADAPTER_PORTS[unit]}`, apiKey: project.apiKey(unit), retry: { baseDelayMs: 200 } });
}

/** A message type as it appears in the sample unit system's log lines; any type when none is given. */
const typePattern = (type?: string) => (type ? type.replaceAll('.', '\\.') : '\\S+');

/**
 * The handoff ids a unit's system (the sample unit system's container) has logged handling, with how
 * many distinct messages (of `type`, if given) it handled for each: it handles a message id once.
 */
export async function receivedBySystem(project: ComposeProject, unit: Unit, type?: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const line = new RegExp(`\\] ${typePattern(type)} for case \\S+ from \\S+ \\(handoff ([0-9a-f-]{36})\\)`, 'g');
  for (const [, id] of (await project.logs(`unit-${unit}`)).matchAll(line)) seen.set(id, (seen.get(id) ?? 0) + 1);
  return seen;
}

/**
 * When each message of `type` reached a unit's system: one line per webhook that passed the
 * signature check, or per message taken from the inbox by a pulling system, repeats included.
 */
export async function deliveriesToSystem(project: ComposeProject, unit: Unit, type: string): Promise<Map<string, Date[]>> {
  const seen = new Map<string, Date[]>();
  const line = new RegExp(`^(\\S+) .*(?:webhook ${typePattern(type)} (\\S+) signature ok|pulled ${typePattern(type)} (\\S+))$`, 'gm');
  for (const [, at, webhook, pulled] of (await project.logs(`unit-${unit}`, 'all', true)).matchAll(line)) {
    const id = webhook ?? pulled;
    seen.set(id, [...(seen.get(id) ?? []), new Date(at)]);
  }
  return seen;
}

/**
 * One compose profile end to end: `up --build -d`, every service healthy, the policy's four flows
 * through the adapters' published ports to the units' systems and the office, the console and the
 * metrics, then `down -v`. `extra` adds the profile's own tests (the cluster's fault) before `down`.
 */
export function describeProfile(profile: Profile, extra?: (context: ProfileContext) => void): void {
  describe(`docker compose, profile ${profile}`, () => {
    let project: ComposeProject;
    const started = Date.now();
    const row: ProfileRow = { profile, services: 0, upSeconds: 0, healthySeconds: 0, flows: '—', consoleAndMetrics: '—', totalSeconds: 0, notes: [], passed: true };
    const seconds = (from: number) => Math.round((Date.now() - from) / 1000);

    beforeAll(async () => {
      project = new ComposeProject(profile, await freePort());
      await project.down().catch(() => undefined); // what an interrupted run left behind
      const upAt = Date.now();
      await project.up();
      row.upSeconds = seconds(upAt);
    }, 900_000);

    afterAll(async () => {
      try {
        const downAt = Date.now();
        await project?.down();
        row.downSeconds = seconds(downAt);
      } finally {
        row.totalSeconds = seconds(started);
        const dir = process.env.COMPOSE_RESULTS_DIR;
        if (dir) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, `${profile}.json`), JSON.stringify(row));
        }
      }
    }, 300_000);

    const test = (name: string, body: () => Promise<void>, timeoutMs: number) =>
      it(
        name,
        async () => {
          try {
            await body();
          } catch (error) {
            row.passed = false;
            row.notes.push(`${name}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
            throw error;
          }
        },
        timeoutMs,
      );

    test(
      'every service becomes healthy (the one-shot ones exit 0)',
      async () => {
        const healthyFrom = Date.now();
        // Some 20 (cluster: 35) Node processes boot at once: on two busy cores that takes minutes.
        row.services = (await project.waitHealthy(HEALTHY_WITHIN_MS)).services;
        row.healthySeconds = seconds(healthyFrom);
      },
      HEALTHY_WITHIN_MS + 30_000,
    );

    test(
      'the four flows of the policy reach the units’ systems and the office',
      async () => {
        const client = (unit: Unit) => unitClient(project, unit);
        const judicial = await client('procuratorate').openJudicialReferral(judicialReferral(['civil-affairs', 'education']));
        const advance = await client('procuratorate').openAdvanceReferral(advanceReferral(['education']));
        const lead = await client('civil-affairs').openLead(socialLead());
        const urgent = await client('education').openUrgentMedicalNotice(urgentMedicalNotice());
        expect(urgent.handoffs[0].priority).toBe('urgent');
        const sent: { from: Unit; to: Unit; id: string }[] = [
          ...judicial.handoffs.map((h) => ({ from: 'procuratorate' as const, to: h.to as Unit, id: h.id })),
          { from: 'procuratorate', to: 'education', id: advance.handoffs[0].id },
          { from: 'civil-affairs', to: 'procuratorate', id: lead.handoffs[0].id },
          { from: 'education', to: 'procuratorate', id: urgent.handoffs[0].id },
        ];
        const office = async (id: string) => {
          const response = await fetch(`${SCHEDULER}/ledger/handoffs/${id}`, { headers: { authorization: `Bearer ${project.apiKey('office')}` } });
          expect(response.status).toBe(200);
          return ((await response.json()) as { handoffs: { handoffId: string; currentStep: string }[] }).handoffs.find((h) => h.handoffId === id);
        };
        let done = 0;
        for (const handoff of sent) {
          // The receiver's system reported every step back (AUTO_REPORT), so the sender sees the whole timeline.
          const view = await eventually(async () => {
            const read = await client(handoff.from).getHandoff(handoff.id);
            expect(read.currentStep).toBe('feedback-received');
            return read;
          }, 120_000, 1_000);
          expect(view.timeline.map((entry) => entry.step)).toEqual(FULL_TIMELINE);
          expect((await receivedBySystem(project, handoff.to)).get(handoff.id)).toBeGreaterThanOrEqual(1);
          // The office's ledger (台账, 第二十五条) has it, at the same step.
          await eventually(async () => expect((await office(handoff.id))?.currentStep).toBe('feedback-received'), 60_000, 1_000);
          done += 1;
          row.flows = `${done}/${sent.length}`;
        }
        expect(await project.logs('unit-civil-affairs')).toMatch(/webhook handoff\.judicial-referral \S+ signature ok/);
        expect(await project.logs('unit-procuratorate')).toMatch(/webhook handoff\.social-lead \S+ signature ok/);
      },
      420_000,
    );

    test(
      'the console answers and every app’s metrics scrape',
      async () => {
        const login = await fetch(`${CONSOLE}/login`);
        expect(login.status).toBe(200);
        expect(await login.text()).toMatch(/<form/i);
        for (const [app, baseUrl] of [
          ['adapter', `http://127.0.0.1:${ADAPTER_PORTS.procuratorate}`],
          ['adapter', `http://127.0.0.1:${ADAPTER_PORTS.education}`],
          ['scheduler', SCHEDULER],
          ['console', CONSOLE],
        ]) {
          const { samples, contentType } = await scrape(baseUrl);
          expect(contentType).toMatch(/^text\/plain/);
          expect(samples.some((sample) => sample.labels.app === app)).toBe(true);
          expect(samples.some((sample) => sample.name.startsWith('bus_'))).toBe(true);
        }
        row.consoleAndMetrics = 'ok';
      },
      60_000,
    );

    extra?.({ project: () => project, row, test });
  });
}
