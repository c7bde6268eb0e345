import { IsEmail, IsString, Length, Matches } from 'class-validator';
import { PHONE_PATTERN } from '../phone.js';

/** 第二十二条: the unit's leader on the joint meeting and its liaison. */
export class RosterRequest {
  @IsString()
  @Length(1, 30)
  leaderName!: string;

  @Matches(PHONE_PATTERN, { message: 'leaderPhone must be a mobile or landline number' })
  leaderPhone!: string;

  @IsEmail()
  leaderEmail!: string;

  @IsString()
  @Length(1, 30)
  liaisonName!: string;

  @Matches(PHONE_PATTERN, { message: 'liaisonPhone must be a mobile or landline number' })
  liaisonPhone!: string;

  @IsEmail()
  liaisonEmail!: string;
}
