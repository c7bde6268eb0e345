import { assertDatabaseUrlLogin, WrongDatabaseLoginError } from './database-login-check.js';

describe('assertDatabaseUrlLogin', () => {
  it('refuses a URL naming another login, with or without a password, before any connection', () => {
    expect(() => assertDatabaseUrlLogin('postgresql://postgres@127.0.0.1:1/bus', 'bus_unit_justice')).toThrow(WrongDatabaseLoginError);
    expect(() => assertDatabaseUrlLogin('postgresql://postgres@127.0.0.1:1/bus', 'bus_unit_justice')).toThrow(
      /^DATABASE_URL logs in as postgres, not as bus_unit_justice: use the login bus_unit_justice/,
    );
    expect(() => assertDatabaseUrlLogin('postgresql://bus_unit_education:secret@db/bus', 'bus_unit_justice')).toThrow(/logs in as bus_unit_education, not as bus_unit_justice/);
  });

  it('accepts the expected login (percent-encoded or not), and leaves a URL naming none to the server-side check', () => {
    expect(() => assertDatabaseUrlLogin('postgresql://bus_scheduler:p%40ss@db:5432/bus', 'bus_scheduler')).not.toThrow();
    expect(() => assertDatabaseUrlLogin('postgresql://bus%5Fscheduler@db/bus', 'bus_scheduler')).not.toThrow();
    expect(() => assertDatabaseUrlLogin('postgresql://db/bus', 'bus_scheduler')).not.toThrow();
  });
});
