import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { opsConfig, type OpsSettings } from '#config';
import { PersistenceModule } from '#persistence';

/** What the operator CLI needs: the configuration and the database (queues are opened by the commands). */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [opsConfig] }),
    PersistenceModule.forRoot({ inject: [opsConfig.KEY], databaseUrl: (settings: OpsSettings) => settings.databaseUrl }),
  ],
})
export class OpsModule {}
