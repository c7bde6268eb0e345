import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** One thing wrong with a request, named by its path. */
export class ProblemItem {
  @ApiProperty({ description: 'the field at fault, as a path (`person.idNumber`); empty when the whole request is at fault', examples: ['person.idNumber'] })
  field!: string;

  @ApiProperty({ description: 'what is wrong with it', examples: ['person.idNumber fails the GB 11643 check digit'] })
  message!: string;
}

/** Every error of the bus's HTTP APIs: what `ProblemFilter` writes. */
export class Problem {
  @ApiProperty({ description: 'the HTTP status, repeated', examples: [400] })
  statusCode!: number;

  @ApiProperty({ description: 'the status name (`BAD_REQUEST`, `NOT_FOUND`, …)', examples: ['BAD_REQUEST'] })
  error!: string;

  @ApiProperty({ description: 'what went wrong, in one line', examples: ['the request is not valid'] })
  message!: string;

  @ApiPropertyOptional({ type: [ProblemItem], description: 'each problem next to the field that caused it' })
  problems?: ProblemItem[];
}

const PROBLEM_EXAMPLES: Record<number, { description: string; message: string; field?: string; detail?: string }> = {
  400: { description: '请求不合法（字段校验失败、未知字段、JSON 格式错误）', message: 'the request is not valid', field: 'person.idNumber', detail: 'person.idNumber fails the GB 11643 check digit（身份证号校验位错误）' },
  401: { description: '缺少或无效的 API 密钥', message: 'an API key is required: Authorization: Bearer <key>' },
  403: { description: '无权访问：不是本单位发出或接收的移送，或本单位无权执行此操作', message: 'handoff 0f6e… is not visible to education' },
  404: { description: '找不到对象', message: 'no handoff 0f6e…' },
  409: { description: '环节顺序错误：如未启动程序即反馈，或重复报告同一环节', message: 'feedback-given needs concluded first', field: 'feedback-given' },
  413: { description: '请求体超过 MAX_BODY_BYTES', message: 'request entity too large' },
  422: { description: '同一 Idempotency-Key 已用于不同的请求体', message: 'Idempotency-Key 2026-jj-0001 was used with another request' },
  429: { description: '请求过于频繁；按 Retry-After 秒后重试', message: 'too many requests' },
  503: { description: '服务暂不可用：数据库或 Redis 不可达（按 Retry-After 秒后重试），或移送的接收单位尚未接入总线、还没有自己的密钥（该单位的适配器首次启动后重发）', message: 'service unavailable' },
};

const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before retrying (重试前等待的秒数)', schema: { type: 'integer', minimum: 0 } },
};

/**
 * The problem JSON for each error status an operation can answer. 429 and 503 carry Retry-After,
 * which the bus's client honours.
 */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(Problem, ProblemItem),
    ...statuses.map((status) => {
      const known = PROBLEM_EXAMPLES[status];
      return ApiResponse({
        status,
        description: known?.description ?? String(HttpStatus[status]),
        headers: status === 429 || status === 503 ? RETRY_AFTER : undefined,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(Problem) },
            example: {
              statusCode: status,
              error: HttpStatus[status] ?? 'ERROR',
              message: known?.message ?? String(HttpStatus[status]),
              problems: [{ field: known?.field ?? '', message: known?.detail ?? known?.message ?? '' }],
            },
          },
        },
      });
    }),
  );
}

/** `Idempotency-Key` on a write: a retry with the same key gets the first answer and writes nothing. */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'anything unique per logical request (the client generates a UUID); a retried request with the same key gets the first response ' +
    '(with `Idempotent-Replayed: true`) and writes nothing; the same key with another body is 422',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
  example: '2026-jj-0001',
} as const;

/** Response headers of an idempotent write. */
export const IDEMPOTENT_REPLAYED_HEADER = {
  'Idempotent-Replayed': { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
};
