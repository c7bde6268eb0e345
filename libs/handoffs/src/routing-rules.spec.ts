import { priorityOf, openingRecipients } from './routing-rules.js';

describe('who may open which handoff', () => {
  it('lets the procuratorate refer one case to several social units at once (第十九条)', () => {
    expect(openingRecipients('judicial-referral', 'procuratorate', ['civil-affairs', 'education'])).toEqual(['civil-affairs', 'education']);
  });

  it('refuses a referral from a department, or addressed to the procuratorate', () => {
    expect(() => openingRecipients('judicial-referral', 'education', ['civil-affairs'])).toThrow(/only the procuratorate/);
    expect(() => openingRecipients('advance-referral', 'procuratorate', ['procuratorate'])).toThrow(/not to the procuratorate/);
  });

  it('sends leads and urgent notices from a department to the procuratorate (第二十条)', () => {
    expect(openingRecipients('social-lead', 'civil-affairs', undefined)).toEqual(['procuratorate']);
    expect(() => openingRecipients('urgent-medical-notice', 'procuratorate', undefined)).toThrow(/第二十条/);
  });

  it('puts urgent notices first and priority groups in the green channel', () => {
    expect(priorityOf('urgent-medical-notice', [])).toBe('urgent');
    expect(priorityOf('judicial-referral', ['minor'])).toBe('green-channel');
    expect(priorityOf('social-lead', undefined)).toBe('normal');
  });
});
