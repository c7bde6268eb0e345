import { csrfToken } from '../../apps/console/src/auth/csrf-token.js';

/**
 * A console user as a program sees it (no browser): signs in through the sign-in form (its CSRF
 * token and cookie included), then reads forms' tokens from the pages it is shown.
 */
export class ConsoleClient {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: string,
  ) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<ConsoleClient> {
    const form = await loginForm(baseUrl);
    const response = await fetch(`${baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, _csrf: form.token }),
    });
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('bus_session='));
    if (!session) throw new Error(`${username} could not sign in: ${response.status}`);
    return new ConsoleClient(baseUrl, session.split(';')[0]);
  }

  /** The token a page would give for the form posting to `action` (computed as the console does). */
  csrf(action: string): string {
    return csrfToken(decodeURIComponent(this.cookie.slice(this.cookie.indexOf('=') + 1)), action);
  }

  /** The token of the form posting to `action`, as found on the page at `pagePath`. */
  async formToken(pagePath: string, action: string): Promise<string> {
    const page = await (await this.fetch(pagePath)).text();
    const form = new RegExp(`action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>\\s*<input type="hidden" name="_csrf" value="([^"]+)"`).exec(page);
    if (!form) throw new Error(`no form posting to ${action} on ${pagePath}`);
    return form[1];
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { redirect: 'manual', ...init, headers: { cookie: this.cookie, ...(init.headers as Record<string, string>) } });
  }

  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
  }
}

/** A fresh sign-in form: its cookie and its token. */
export async function loginForm(baseUrl: string): Promise<{ cookie: string; token: string }> {
  const response = await fetch(`${baseUrl}/login`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
  if (!token) throw new Error('the sign-in form has no CSRF token');
  return { cookie, token };
}
