import { IsEmail, IsString, Length, Matches } from 'class-validator';

const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** 第二十二条: the unit's leader on the joint meeting and its liaison. */
export class RosterRequest {
  @IsString()
  @Length(1, 30)
  leaderName: string;

  @Matches(PHONE, { message: 'leaderPhone must be a mobile or landline number' })
  leaderPhone: string;

  @IsEmail()
  leaderEmail: string;

  @IsString()
  @Length(1, 30)
  liaisonName: string;

  @Matches(PHONE, { message: 'liaisonPhone must be a mobile or landline number' })
  liaisonPhone: string;

  @IsEmail()
  liaisonEmail: string;
}
