import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=` of a listing: 1–200, the listing picks the default. */
export const PageLimit = () => applyDecorators(IsOptional(), Type(() => Number), IsInt(), Min(1), Max(200));
