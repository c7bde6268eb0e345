import { ServiceProcess } from './service-process.js';

export interface SampleUnitSystemOptions {
  unit: string;
  adapterUrl: string;
  apiKey: string;
  port: number;
  webhookSecret?: string;
}

/** The sample unit system (examples/unit-system) as its own process, from dist/ as `npm run bus` runs it. */
export class SampleUnitSystemProcess extends ServiceProcess {
  constructor(options: SampleUnitSystemOptions) {
    super(
      `${options.unit} sample unit system`,
      'dist/examples/unit-system/src/main.js',
      () => ({
        UNIT: options.unit,
        ADAPTER_URL: options.adapterUrl,
        API_KEY: options.apiKey,
        ...(options.webhookSecret ? { WEBHOOK_SECRET: options.webhookSecret } : {}),
        POLL_MS: '200',
        AUTO_REPORT: 'true',
      }),
      options.apiKey,
      '/health',
    );
    this.port = options.port;
  }
}
