import { NestFactory } from '@nestjs/core';
import { opsConfig } from '#config';
import { BullMqDriver, bootQueueBackend, closeQueueBackend, DEFAULT_ALERT_RETRY, DEFAULT_DELIVERY_RETRY, DEFAULT_INBOX_RETRY, type QueueDriver } from '#bus';
import { UnitScope, OfficeScope, OperationsQueries } from '#persistence';
import { OpsCommands } from './ops-commands.js';
import { OPS_USAGE, parseOpsArguments, UsageError } from './ops-arguments.js';
import { OpsModule } from './ops.module.js';

// The operator CLI: `npm run ops -- <command>` (see OPS_USAGE and docs/operations.md).
const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help')) {
  console.log(OPS_USAGE);
  process.exit(0);
}
let driver: QueueDriver | undefined;
const app = await NestFactory.createApplicationContext(OpsModule, { logger: ['error'] });
try {
  const settings = app.get<ReturnType<typeof opsConfig>>(opsConfig.KEY);
  const openDriver = async () => {
    if (!driver) {
      await bootQueueBackend(() => settings, 'ops');
      driver = new BullMqDriver({
        redisUrl: settings.redisUrl,
        prefix: settings.queuePrefix,
        retry: { inbox: DEFAULT_INBOX_RETRY, scheduler: DEFAULT_INBOX_RETRY, delivery: DEFAULT_DELIVERY_RETRY, alerts: DEFAULT_ALERT_RETRY },
      });
    }
    return driver;
  };
  await new OpsCommands(app.get(OperationsQueries), app.get(UnitScope), app.get(OfficeScope), openDriver, (line) => console.log(line)).run(parseOpsArguments(argv));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${OPS_USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
} finally {
  await driver?.close();
  await closeQueueBackend();
  await app.close();
}
