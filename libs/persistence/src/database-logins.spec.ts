import { UNIT_CODES } from '#contracts';
import { databaseUrlWithLogin, unitDatabaseLogin } from './database-logins.js';

describe('database logins', () => {
  it('gives each of the 13 units its own login, named so that bus_login_agency() reads the code back', () => {
    const logins = UNIT_CODES.map(unitDatabaseLogin);
    expect(new Set(logins).size).toBe(13);
    for (const code of UNIT_CODES) expect(unitDatabaseLogin(code).slice('bus_unit_'.length).replaceAll('_', '-')).toBe(code);
    expect(unitDatabaseLogin('civil-affairs')).toBe('bus_unit_civil_affairs');
  });

  it('swaps the login of a URL, keeping server, database and options, and drops the owner password', () => {
    expect(databaseUrlWithLogin('postgresql://postgres:secret@db:5432/bus?sslmode=require', 'bus_scheduler')).toBe(
      'postgresql://bus_scheduler@db:5432/bus?sslmode=require',
    );
    expect(databaseUrlWithLogin('postgresql://postgres@127.0.0.1:5432/bus', 'bus_unit_hrss', 'p@ss/word')).toBe(
      'postgresql://bus_unit_hrss:p%40ss%2Fword@127.0.0.1:5432/bus',
    );
  });
});
