import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from '#contracts';

/** The API's validation: unknown fields refused, every problem named by its path, nothing written. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ message: 'the request is not valid', problems: flattenValidationErrors(errors) }),
  });
}
