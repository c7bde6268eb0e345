import { isInstant } from './instant.js';
import { hostileInputProblems, MAX_INPUT_DEPTH, textProblem } from './hostile-input.js';

describe('instants', () => {
  it.each(['2026-11-20T10:00:00+08:00', '2026-11-20T02:00:00Z', '2026-11-20T02:00:00.123Z', '2026-11-20T10:00+08:00', '2028-02-29T00:00:00-05:30'])(
    'accepts %s',
    (value) => expect(isInstant(value)).toBe(true),
  );

  it.each(['2026-11-20T10:00:00', '2026-11-20', '2026-02-30T10:00:00Z', '2026-11-20T24:00:00Z', '2026-11-20T10:60:00Z', '2026-11-20T10:00:00+15:00', '2026-11-20 10:00:00Z', 20261120, null])(
    'refuses %s',
    (value) => expect(isInstant(value)).toBe(false),
  );
});

describe('hostile input', () => {
  it('refuses NUL, other control characters and lone surrogates, keeps tabs, new lines and CJK with astral characters', () => {
    expect(textProblem('a\u0000b')).toMatch(/control/);
    expect(textProblem('a\u001bb')).toMatch(/control/);
    expect(textProblem('\ud800')).toMatch(/surrogate/);
    expect(textProblem('x\udc00')).toMatch(/surrogate/);
    expect(textProblem('林某某\t住址\r\n𠮷')).toBeNull();
  });

  it('names the field of a bad string, a prototype key, a bad key', () => {
    expect(hostileInputProblems({ person: { name: 'a\u0000' } })).toEqual([{ field: 'person.name', message: expect.stringMatching(/control/) }]);
    expect(hostileInputProblems(JSON.parse('{"person":{"__proto__":{"x":1}}}'))).toEqual([{ field: 'person.__proto__', message: 'property __proto__ should not exist' }]);
    expect(hostileInputProblems({ constructor: 1 })[0].field).toBe('constructor');
    expect(hostileInputProblems({ list: ['ok', '\ud83d'] })[0].field).toBe('list[1]');
    expect(hostileInputProblems({ 'a\u0000': 1 })).toHaveLength(1);
  });

  it('refuses nesting beyond the limit without recursion, even 1,000,000 deep', () => {
    let deep: unknown = {};
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(hostileInputProblems(deep)).toEqual([{ field: expect.any(String), message: `the input is nested deeper than ${MAX_INPUT_DEPTH} levels` }]);
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH; i++) fine = { a: fine };
    expect(hostileInputProblems(fine)).toEqual([]);
  });
});
