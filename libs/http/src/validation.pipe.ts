import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, hostileInputProblems, VALIDATOR_OPTIONS } from '#contracts';

const invalid = (problems: { field: string; message: string }[]) =>
  new BadRequestException({ message: 'the request is not valid', problems });

/**
 * The API's validation: unknown fields refused, every problem named by its path, nothing written.
 * Before class-transformer sees a value, it is checked for what would crash or fool it:
 * nesting deeper than a message can be (class-transformer recurses and overflows the stack at about
 * 10,000 levels), prototype keys (which it drops silently instead of refusing), and text that
 * PostgreSQL cannot store (NUL, lone surrogates) or that no field should hold (control characters).
 */
@Injectable()
export class BusValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATOR_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => invalid(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const problems = hostileInputProblems(value, metadata.type === 'body' ? (metadata.data ?? '') : (metadata.data ?? metadata.type));
    if (problems.length > 0) throw invalid(problems);
    // A body rule is a class: only a JSON object can satisfy it (not null, an array, or nothing,
    // which is what a body sent as text/plain or form data leaves behind).
    if (metadata.type === 'body' && !metadata.data && isRuleClass(metadata.metatype) && !isPlainObject(value)) {
      throw invalid([{ field: '', message: 'the body must be a JSON object (Content-Type: application/json)' }]);
    }
    return super.transform(value, metadata);
  }
}

const NOT_RULES: unknown[] = [String, Boolean, Number, Array, Object];
const isRuleClass = (metatype: unknown) => typeof metatype === 'function' && !NOT_RULES.includes(metatype);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createValidationPipe(): ValidationPipe {
  return new BusValidationPipe();
}
