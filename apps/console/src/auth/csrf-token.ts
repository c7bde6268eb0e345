import { createHmac } from 'node:crypto';

/**
 * The synchroniser token of one form: HMAC-SHA256 of the form's action under the session's secret
 * (the cookie's random token, which only the browser and the server know; the table keeps only its
 * digest). So every form has its own token, bound to the session, and nothing is stored: a signed-out
 * or expired session makes every token of it worthless, and a token for one form does not fit another.
 */
export function csrfToken(secret: string, action: string): string {
  return createHmac('sha256', secret).update(`csrf:${action}`).digest('base64url');
}
