import { UNIT_CODES } from '#contracts';
import { UNITS, unitName } from './unit.registry.js';

describe('the 13 member units', () => {
  it('defines every unit once, each with its own port', () => {
    expect(Object.keys(UNITS).sort()).toEqual([...UNIT_CODES].sort());
    const ports = UNIT_CODES.map((code) => UNITS[code].defaultPort);
    expect(new Set(ports).size).toBe(13);
  });

  it('names a unit in Chinese, shows an unknown code as it is and no unit as nothing', () => {
    expect(unitName('civil-affairs')).toBe('晋江市民政局');
    expect(unitName('no-such-unit')).toBe('no-such-unit');
    expect(unitName(null)).toBe('');
  });

  it('maps civil-affairs deliveries to its system’s field names', () => {
    const body = UNITS['civil-affairs'].mapper.toUnitSystem({
      envelope: {
        id: 'm1', type: 'handoff.judicial-referral', schemaVersion: 1, from: 'procuratorate', to: 'civil-affairs',
        handoffId: 'h1', caseRef: 'JJ-1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00Z',
        priority: 'normal',
        payload: { person: { name: '张三', idNumber: '11010519491231002X' } } as never,
      },
    });
    expect(body).toMatchObject({ ajbh: 'JJ-1', xm: '张三', sfzh: '11010519491231002X', ywlx: 'handoff.judicial-referral' });
  });
});
