import { activeCryptoSuite, suiteMac } from '#security';

/**
 * The synchroniser token of one form: the MAC of the deployment's cryptography suite (HMAC-SHA-256, or
 * HMAC-SM3 with CRYPTO_SUITE=national), named in the token, of the form's action under the session's
 * secret (the cookie's random token, which only the browser and the server know; the table keeps only its
 * digest). So every form has its own token, bound to the session, and nothing is stored: a signed-out
 * or expired session makes every token of it worthless, and a token for one form does not fit another.
 */
export function csrfToken(secret: string, action: string): string {
  const suite = activeCryptoSuite();
  return `${suite.mac}.${suiteMac(suite, secret, `csrf:${action}`).toString('base64url')}`;
}
