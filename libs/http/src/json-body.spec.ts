import type { NextFunction, Request, Response } from 'express';
import { refuseNonJsonBodies } from './json-body.js';

/** What refuseNonJsonBodies answers for a request with these headers: 'next' or the status it sent. */
function answer(headers: Record<string, string>): 'next' | number {
  let result: 'next' | number = 'next';
  const req = { headers, is: (types: string[]) => isType(headers, types) } as unknown as Request;
  const res = { status: (code: number) => ((result = code), { json: () => undefined }) } as unknown as Response;
  refuseNonJsonBodies(req, res, (() => undefined) as NextFunction);
  return result;
}

// type-is's reading: no body → null; a body of another (or no) type → false; JSON → the type.
function isType(headers: Record<string, string>, types: string[]): string | false | null {
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return null;
  const type = headers['content-type']?.split(';')[0];
  return type && (types.includes(type) || (type.endsWith('+json') && types.includes('application/*+json'))) ? type : false;
}

describe('refuseNonJsonBodies', () => {
  it('lets through a POST without a body, as fetch() sends it (Content-Length: 0, no type)', () => {
    expect(answer({ 'content-length': '0' })).toBe('next');
    expect(answer({})).toBe('next');
  });

  it('lets JSON through and refuses any other body with 415, and a charset other than UTF-8', () => {
    expect(answer({ 'content-length': '2', 'content-type': 'application/json' })).toBe('next');
    expect(answer({ 'content-length': '3', 'content-type': 'text/plain' })).toBe(415);
    expect(answer({ 'content-length': '3' })).toBe(415);
    expect(answer({ 'content-length': '2', 'content-type': 'application/json; charset=utf-16' })).toBe(415);
    expect(answer({ 'transfer-encoding': 'chunked', 'content-length': '0', 'content-type': 'text/plain' })).toBe(415);
  });
});
