import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PHONE_PATTERN } from '../phone.js';
import { IsResidentId } from '../resident-id.js';

/** The person helped (贫困当事人). Confidential (第二十四条): stored in PostgreSQL, never put in a queue job. */
export class PersonDto {
  @IsString()
  @Length(1, 50)
  name!: string;

  @IsResidentId()
  idNumber!: string;

  /** Mobile (11 digits starting with 1) or landline with area code. */
  @IsOptional()
  @Matches(PHONE_PATTERN, { message: 'phone must be a mainland mobile or landline number' })
  phone?: string;
}
