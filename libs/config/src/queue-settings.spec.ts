import { schedulerSettingsFrom } from './scheduler.config.js';

const base = { DATABASE_URL: 'postgresql://db/x', OFFICE_API_KEY_SHA256: 'b'.repeat(64) };

describe('queue backend settings', () => {
  it('runs the queues on Redis when REDIS_URL is set, and on PostgreSQL when it is not', () => {
    expect(schedulerSettingsFrom({ ...base, REDIS_URL: 'redis://r:6379' })).toMatchObject({ queueBackend: 'redis', redisUrl: 'redis://r:6379' });
    expect(schedulerSettingsFrom(base)).toMatchObject({ queueBackend: 'postgres', redisUrl: '', databaseUrl: 'postgresql://db/x' });
  });

  it('lets QUEUE_BACKEND win, and needs REDIS_URL only for redis', () => {
    expect(schedulerSettingsFrom({ ...base, REDIS_URL: 'redis://r:6379', QUEUE_BACKEND: 'postgres' })).toMatchObject({ queueBackend: 'postgres', redisUrl: '' });
    expect(() => schedulerSettingsFrom({ ...base, QUEUE_BACKEND: 'redis' })).toThrow(/REDIS_URL/);
    expect(() => schedulerSettingsFrom({ ...base, QUEUE_BACKEND: 'kafka' })).toThrow(/QUEUE_BACKEND must be one of redis, postgres/);
  });

  it('takes a comma-separated list of a cluster’s nodes, and refuses anything else', () => {
    const nodes = 'redis://10.0.0.1:6379,redis://10.0.0.2:6379,redis://10.0.0.3:6379';
    expect(schedulerSettingsFrom({ ...base, REDIS_URL: nodes })).toMatchObject({ queueBackend: 'redis', redisUrl: nodes });
    expect(() => schedulerSettingsFrom({ ...base, REDIS_URL: 'redis://a:1,http://b:2' })).toThrow(/REDIS_URL/);
  });
});
