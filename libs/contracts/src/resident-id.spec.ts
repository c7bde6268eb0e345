import { residentIdCheckCharacter, residentIdProblem } from './resident-id.js';

function withCheck(first17: string): string {
  return first17 + residentIdCheckCharacter(first17);
}

describe('resident ID number (GB 11643-1999)', () => {
  const today = new Date('2026-11-29T00:00:00Z');

  it.each([
    ['11010519491231002X', null], // the standard's own example
    ['440524188001010014', 'birth-date'], // year 1880 is before any issued number
    [withCheck('35058220100229123'), 'birth-date'], // 2010 is not a leap year
    [withCheck('35058220270101123'), 'birth-date'], // born in the future
    [withCheck('35058219900101123'), null],
    ['35058219900101123', 'format'], // 17 characters
    ['3505821990010112x', 'format'], // lower-case x
    ['35058219900101123A', 'format'],
  ])('%s → %s', (value, expected) => {
    expect(residentIdProblem(value, today)).toBe(expected);
  });

  it('rejects every wrong check character', () => {
    const valid = withCheck('35058219851120001');
    for (const wrong of '0123456789X'.split('').filter((c) => c !== valid[17])) {
      expect(residentIdProblem(valid.slice(0, 17) + wrong, today)).toBe('check-digit');
    }
  });
});
