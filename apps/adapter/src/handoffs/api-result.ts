/** What a write of the units' API answers; stored as is under its Idempotency-Key. */
export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

/** Sets the status of a write's answer, and Idempotent-Replayed when it is the first answer again; returns its body. */
export function answerWith(res: { status(code: number): unknown; setHeader(name: string, value: string): unknown }, result: ApiResult & { replayed?: boolean }): Record<string, unknown> {
  res.status(result.status);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}
