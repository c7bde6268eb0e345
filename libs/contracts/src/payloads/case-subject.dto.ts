// @Type reads design-time types through reflect-metadata, which must be loaded before the decorator runs.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsDefined, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { PRIORITY_GROUPS, type PriorityGroup, SITUATIONS, type Situation } from '../policy.enums.js';
import { PersonDto } from './person.dto.js';

/** What every opening message says about the person: who, which 第四条 situation, which 第五条 groups. */
export class CaseSubjectDto {
  // @ValidateNested alone lets a missing person through, and validates an array's items instead of
  // refusing the array: the person is required, and is one object.
  @IsDefined({ message: 'person is required' })
  @IsObject({ message: 'person must be an object' })
  @ValidateNested()
  @Type(() => PersonDto)
  person!: PersonDto;

  @IsIn(SITUATIONS)
  situation!: Situation;

  /** Non-empty puts the handoff in the green channel (第五条). */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PRIORITY_GROUPS, { each: true })
  priorityGroups?: PriorityGroup[];
}
