// The sample system's settings, all from the environment (see README.md / README.zh.md).

export interface Settings {
  /** the unit this system belongs to, e.g. civil-affairs */
  unit: string;
  /** the unit's adapter, e.g. http://127.0.0.1:3103 */
  adapterUrl: string;
  /** the unit's API key for its adapter */
  apiKey: string;
  /** the adapter's WEBHOOK_SECRET: set it for webhook delivery; leave it out to pull the inbox */
  webhookSecret?: string;
  /** where this system listens (webhooks on POST /webhook, and GET /health) */
  host: string;
  port: number;
  /** how often the inbox is pulled (pull delivery) */
  pollMs: number;
  /** report procedure-started, concluded and feedback for every handoff received (a demo of the steps) */
  autoReport: boolean;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required (see examples/unit-system/README.md)`);
    return value;
  };
  return {
    unit: required('UNIT'),
    adapterUrl: required('ADAPTER_URL'),
    apiKey: required('API_KEY'),
    webhookSecret: env.WEBHOOK_SECRET || undefined,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 4000),
    pollMs: Number(env.POLL_MS ?? 2000),
    autoReport: env.AUTO_REPORT === 'true',
  };
}
