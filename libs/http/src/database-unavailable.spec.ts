import { isDatabaseUnavailable } from './database-unavailable.js';

describe('telling "the database is away" from "this request is wrong"', () => {
  it('recognises connection failures however deep they are wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new Error('driver adapter failed', { cause: { kind: 'DatabaseNotReachable' } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: new Error('inner', { cause: { code: '57P01' } }) }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Transaction API error: Unable to start a transaction in the given time.'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('leaves every other error alone (a 500 stays a 500, a constraint stays what it is)', () => {
    expect(isDatabaseUnavailable(new Error('Unique constraint failed'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
