/** What a write of the units' API answers; stored as is under its Idempotency-Key. */
export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}
