import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { UNIT_CODES, isUnitCode } from '#contracts';
import { consoleConfig, type ConsoleSettings } from '#config';
import { OfficeScope, PersistenceModule } from '#persistence';
import { hashPassword } from './auth/password.js';

// Console accounts: `npm run console:user -- add <username> <operator|office|unit> [unit code]`,
// with the password read from CONSOLE_PASSWORD (so it appears in no process list or shell history).

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [consoleConfig] }),
    PersistenceModule.forRoot({ inject: [consoleConfig.KEY], databaseUrl: (settings: ConsoleSettings) => settings.databaseUrl }),
  ],
})
class UsersCliModule {}

const [command, username, role, agency] = process.argv.slice(2);
const password = process.env.CONSOLE_PASSWORD ?? '';
const roles = ['operator', 'office', 'unit'] as const;
if (command !== 'add' || !username || !roles.includes(role as (typeof roles)[number])) {
  console.error('usage: CONSOLE_PASSWORD=... npm run console:user -- add <username> <operator|office|unit> [unit code]');
  process.exit(2);
}
if (role === 'unit' && !isUnitCode(agency)) {
  console.error(`a unit user needs its unit: one of ${UNIT_CODES.join(', ')}`);
  process.exit(2);
}
if (password.length < 10) {
  console.error('CONSOLE_PASSWORD must hold the password, at least 10 characters');
  process.exit(2);
}
const app = await NestFactory.createApplicationContext(UsersCliModule, { logger: ['error'] });
await app.get(OfficeScope).consoleUsers.save({
  username,
  passwordHash: await hashPassword(password),
  role: role as (typeof roles)[number],
  agency: role === 'unit' ? agency : null,
});
await app.close();
console.log(`console user ${username} (${role}${role === 'unit' ? ` of ${agency}` : ''}) saved`);
