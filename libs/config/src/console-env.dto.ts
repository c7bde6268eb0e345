import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BusProcessEnv, toInt } from './bus-process-env.dto.js';

/** Every setting of the console process, read from the environment once, at boot. */
export class ConsoleEnv extends BusProcessEnv {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3300;

  /** a session ends this many minutes after sign-in */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  SESSION_TTL_MINUTES = 480;

  /** sign-in attempts allowed per client address per minute (slows password guessing) */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_ATTEMPTS_PER_MINUTE = 10;

  /** mark the session cookie Secure: on whenever the console is served over HTTPS */
  @IsOptional()
  @IsIn(['true', 'false'])
  COOKIE_SECURE = 'false';

  /**
   * the headless Chromium that prints the yearly report as PDF (第二十三条); unset: Debian's
   * /usr/bin/chromium if installed, else the one npm's @sparticuz/chromium ships. Nothing downloads one.
   */
  @IsOptional()
  @IsString()
  CHROMIUM_PATH?: string;

  /** extra Chromium flags, as a JSON array (e.g. those @sparticuz/chromium's build needs) */
  @IsOptional()
  @IsString()
  CHROMIUM_ARGS = '[]';
}
