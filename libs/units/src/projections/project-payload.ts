import {
  type AnyEnvelope,
  type HandoffKind,
  isMaterialType,
  type MessageType,
  MESSAGES,
  type Problem,
  validatePayload,
} from '#contracts';
import { projectionFor } from './recipient-projections.js';

type JsonRecord = Record<string, unknown>;

/** A validated payload's fields by name (each payload class is a JSON object). */
function recordOf(payload: object): JsonRecord {
  return payload as JsonRecord;
}

/** The kind of handoff an opening message opens (its MESSAGE_REGISTRY entry); null for any other message. */
export function kindOfOpening(type: MessageType): HandoffKind | null {
  const handling = MESSAGES.handlingOf(type);
  return handling.kind === 'opening' ? handling.opens : null;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Items of a listed array field the recipient sees only its own of (another unit's reason is not its business). */
const OWN_ITEMS_ONLY: Readonly<Record<string, string>> = { recipientReasons: 'unit' };

/**
 * 第二十四条: the opening payload of a `kind` handoff as `recipient` may receive it — the fields of its
 * projection and nothing else (a field the table does not list is dropped, whatever it is).
 */
export function projectPayload(recipient: string, kind: string, payload: JsonRecord): JsonRecord {
  const { fields } = projectionFor(recipient, kind);
  const projected: JsonRecord = {};
  for (const [field, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    if (field === 'person' && isRecord(value)) {
      const person = Object.fromEntries(Object.entries(value).filter(([inner]) => fields.includes(`person.${inner}`)));
      if (Object.keys(person).length > 0) projected.person = person;
      continue;
    }
    if (!fields.includes(field)) continue;
    const ownKey = OWN_ITEMS_ONLY[field];
    if (ownKey && Array.isArray(value)) {
      const own = value.filter((item) => isRecord(item) && item[ownKey] === recipient);
      if (own.length > 0) projected[field] = own;
      continue;
    }
    projected[field] = value;
  }
  return projected;
}

/**
 * An envelope as its recipient may hold it: an opening message's payload projected for `to`;
 * lifecycle messages (receipt, steps, feedback) go back to the sender of the handoff, which keeps
 * the full record (第二十一条 反馈), and pass as they are.
 */
export function projectEnvelope<E extends AnyEnvelope>(envelope: E): E {
  const kind = kindOfOpening(envelope.type);
  if (!kind) return envelope;
  return { ...envelope, payload: projectPayload(envelope.to, kind, recordOf(envelope.payload)) };
}

/** The parties of a handoff, as a read path knows them. */
export interface HandoffParties {
  kind: string;
  fromAgency: string;
  toAgency: string;
}

/**
 * A handoff's details as `reader` may read them: the sender reads its full record, the recipient its
 * projection, anyone else nothing (第二十四条).
 */
export function detailsFor(reader: string, handoff: HandoffParties, details: JsonRecord): JsonRecord {
  if (reader === handoff.fromAgency) return details;
  if (reader === handoff.toAgency) return projectPayload(reader, handoff.kind, details);
  return {};
}

/**
 * The recipient's check of an opening payload where it is consumed: the schema's
 * rules for what its projection carries (a required field the projection leaves out may be absent),
 * and no field beyond its projection — a sender that forgot to project is refused (第二十四条).
 */
export function checkReceivedPayload(recipient: string, envelope: Pick<AnyEnvelope, 'type' | 'schemaVersion' | 'payload'>): { ok: true } | { ok: false; problems: Problem[] } {
  const payload = recordOf(envelope.payload);
  const kind = kindOfOpening(envelope.type);
  const checked = validatePayload(envelope.type, envelope.schemaVersion, payload);
  if (!kind) return checked.ok ? { ok: true } : checked;
  // Not an object, no such schema version: nothing to project.
  if (!checked.ok && checked.problems.some((problem) => problem.field === '' || problem.field === 'schemaVersion')) return checked;
  const { fields } = projectionFor(recipient, kind);
  const listed = (path: string) => fields.includes(path) || (path === 'person' && fields.some((field) => field.startsWith('person.')));
  const present = (path: string): boolean => {
    const [head, inner] = path.split('.', 2) as [string, string?];
    const value = payload[head];
    return inner === undefined ? value !== undefined : isRecord(value) && value[inner] !== undefined;
  };
  // A required field the projection leaves out is expected to be absent; everything else is checked.
  const problems = checked.ok ? [] : checked.problems.filter((problem) => present(problem.field) || !isWithheld(problem.field, fields));
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'person' && isRecord(value)) {
      for (const inner of Object.keys(value)) if (!fields.includes(`person.${inner}`)) problems.push({ field: `person.${inner}`, message: `is outside ${recipient}'s projection (第二十四条)` });
    } else if (!listed(field)) problems.push({ field, message: `is outside ${recipient}'s projection (第二十四条)` });
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** A field the projection leaves out (so its absence is expected): a top-level field, or one of the person's. */
function isWithheld(path: string, fields: readonly string[]): boolean {
  if (path.startsWith('person.')) return !fields.includes(path);
  return path !== 'person' && !fields.includes(path.split('.')[0]);
}

/**
 * Whether `reader` may see a document of a `kind` handoff: the sender sees all, the uploader its
 * own, the recipient the material types of its projection (an unknown type: not).
 */
export function mayReadAttachment(reader: string, handoff: HandoffParties, attachment: { uploadedBy: string; material: string }): boolean {
  if (reader === handoff.fromAgency || reader === attachment.uploadedBy) return true;
  if (reader !== handoff.toAgency || !isMaterialType(attachment.material)) return false;
  return projectionFor(reader, handoff.kind).materials.includes(attachment.material);
}
