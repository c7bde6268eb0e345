import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO: who the message was really sent to */
  envelopeFrom: string | null;
  envelopeTo: string[];
  /** header names in lower case, unfolded, encoded-words decoded */
  headers: Record<string, string>;
  /** the bare addresses of the To header */
  to: string[];
  subject: string;
  alertId: string | null;
  /** the first text/plain part, transfer-decoded */
  text: string;
  raw: string;
}

/**
 * A real SMTP server in the test process (nodemailer's smtp-server): accepts every message
 * without authentication or TLS and keeps it, parsed just enough for a test to read.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;
  private port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 1_000,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const envelope = session.envelope;
          this.received.push(parseMail(Buffer.concat(chunks).toString('utf8'), envelope.mailFrom ? envelope.mailFrom.address : null, envelope.rcptTo.map((r) => r.address)));
          callback();
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Messages of one alert (by its X-Bus-Alert-Id header). */
  for(alertId: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.alertId === alertId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function parseMail(raw: string, envelopeFrom: string | null, envelopeTo: string[]): ReceivedMail {
  const { headers, body } = splitEntity(raw);
  const text = textPart(headers, body) ?? '';
  return {
    envelopeFrom,
    envelopeTo,
    headers,
    to: addresses(headers.to ?? ''),
    subject: headers.subject ?? '',
    alertId: headers['x-bus-alert-id'] ?? null,
    text,
    raw,
  };
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  // Unfold: a line starting with white space continues the previous header.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** RFC 2047 encoded-words (=?utf-8?B?...?= / =?utf-8?Q?...?=); adjacent ones join without the space. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset: string, encoding: string, data: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' '));
      return bytes.toString(charset.toLowerCase().replace(/^utf-?8$/, 'utf8') as BufferEncoding);
    });
}

function qpBytes(data: string): Buffer {
  const bytes: number[] = [];
  const soft = data.replace(/=\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function transferDecode(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return qpBytes(body).toString('utf8');
  return body;
}

/** The first text/plain part of a (possibly multipart) entity. */
function textPart(headers: Record<string, string>, body: string): string | null {
  const type = headers['content-type'] ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return null;
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\n/, ''));
      const text = textPart(entity.headers, entity.body);
      if (text !== null) return text;
    }
    return null;
  }
  return /^text\/plain/i.test(type) ? transferDecode(headers, body).replace(/\n$/, '') : null;
}

function addresses(header: string): string[] {
  // Split on commas outside quoted display names; take <addr> when present.
  return (header.match(/(?:"[^"]*"|[^,])+/g) ?? [])
    .map((item) => (/<([^>]+)>/.exec(item)?.[1] ?? item).trim().toLowerCase())
    .filter(Boolean);
}
