import type { NextFunction, Request, Response } from 'express';
import type { RawBodyRequest } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { BodyNotUtf8Error, refuseInvalidUtf8, refuseNonJsonBodies, verifyJsonBody } from './json-body.js';

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

describe('refuseInvalidUtf8 (body-parser verify)', () => {
  const body = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
  const verify = (bytes: Buffer) => () => refuseInvalidUtf8(undefined, undefined, bytes);

  it('lets strict UTF-8 through: ASCII, CJK, a character outside the BMP', () => {
    expect(verify(body('{"name":"林某某 𠮷"}'))).not.toThrow();
  });

  it.each([
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an overlong "/" in three bytes (E0 80 AF)', [0xe0, 0x80, 0xaf]],
    ['an overlong "/" in four bytes (F0 80 80 AF)', [0xf0, 0x80, 0x80, 0xaf]],
    ['a lone continuation byte (80)', [0x80]],
    ['a truncated sequence (E6 9E)', [0xe6, 0x9e]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ['a byte that never occurs (FF)', [0xff]],
  ])('refuses %s with 415', (_label, bytes) => {
    expect(verify(body('{"fileName":"a', bytes, 'b.pdf"}'))).toThrow(BodyNotUtf8Error);
    expect(new BodyNotUtf8Error()).toMatchObject({ status: 415, expose: true });
  });
});

describe('verifyJsonBody (the apps’ body-parser verify)', () => {
  const exchange = () => {
    const req: RawBodyRequest<IncomingMessage> = new IncomingMessage(new Socket());
    return { req, res: new ServerResponse(req) };
  };

  it('keeps the bytes as sent for the Idempotency-Key, once they are strict UTF-8', () => {
    const { req, res } = exchange();
    const bytes = Buffer.from('{"caseRef":"晋检救〔2026〕1号"}', 'utf8');
    verifyJsonBody(req, res, bytes);
    expect(req.rawBody).toBe(bytes);
  });

  it('keeps nothing of a body it refuses', () => {
    const { req, res } = exchange();
    expect(() => verifyJsonBody(req, res, Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(BodyNotUtf8Error);
    expect(req.rawBody).toBeUndefined();
  });
});
