import type { Problem } from './problem.js';

/**
 * Input that class-transformer, class-validator or PostgreSQL cannot be trusted with, refused
 * before either sees it (第二十四条). Walked iteratively: a body nested 100,000 deep must
 * not overflow the stack of the check meant to refuse it.
 */

/** No message of the bus is nested deeper than a few levels; JSON bombs are. */
export const MAX_INPUT_DEPTH = 16;

/**
 * Keys that JavaScript treats specially. class-transformer (and the form parser) drop them silently;
 * a caller that sent one gets told, as for any other unknown field.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. NUL in particular:
 * PostgreSQL refuses it in text, which used to surface as a 500.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or null if it can. */
export function textProblem(text: string): string | null {
  if (CONTROL.test(text)) return 'must not contain control characters (NUL and the like)';
  // A lone UTF-16 surrogate has no UTF-8 form: PostgreSQL (and any other system) would refuse it.
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates';
  return null;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * Problems of a parsed JSON value (or query/params object) that no field rule should ever see:
 * nesting beyond MAX_INPUT_DEPTH, prototype keys, control characters or lone surrogates in a key or
 * a string. Returns at most `limit` problems; the first nesting problem stops the walk.
 */
export function hostileInputProblems(value: unknown, root = '', limit = 20): Problem[] {
  const problems: Problem[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  for (let next = stack.pop(); next && problems.length < limit; next = stack.pop()) {
    const { value: current, path, depth } = next;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) problems.push({ field: path, message: `${path || 'the value'} ${problem}` });
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return [{ field: path, message: `the input is nested deeper than ${MAX_INPUT_DEPTH} levels` }];
    }
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: join(path, index), depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(current)) {
      const field = join(path, key);
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({ field, message: `property ${key} should not exist` });
        continue;
      }
      const keyProblem = textProblem(key);
      if (keyProblem) {
        problems.push({ field: path, message: `a field name ${keyProblem}` });
        continue;
      }
      stack.push({ value: (current as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return problems;
}
