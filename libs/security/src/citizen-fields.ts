import { decryptValue, encryptValue, isCiphertext, type DataKey, type KeyLookup, keyIdOf } from './field-cipher.js';

// Which fields of a handoff's details, a step's details and a message's payload are a citizen's
// data (第二十四条), encrypted one by one: every field of the person (name, ID number, phone,
// address…) and the free texts (findings, narratives, notes) and attachments. The rest — dates the
// deadlines run from, the 第四条 situation, the 第五条 groups, outcomes — stays plain: the scheduler
// and the queues need it and it names no one. citizen-fields.spec checks that every field of every
// payload schema is classified here, so a new field cannot be stored in plain text unnoticed.
// Attachments' bytes (a table of their own) are encrypted by attachment-content.ts with the same cipher.

/** Objects whose every field is a citizen's data. */
export const CITIZEN_OBJECTS: readonly string[] = ['person', 'guardian', 'contact'];
/** Top-level fields holding a citizen's data (free text, contact data, attachments). */
export const CITIZEN_FIELDS: readonly string[] = [
  'findings',
  'suggestion',
  'reason',
  'summary',
  'condition',
  'hospital',
  'note',
  'measures',
  'address',
  'narrative',
  'description',
  'attachments',
  // 第九条: the applicant's own statement, the case materials' names and places, why a unit is asked, why one declines
  'applicantStatement',
  'caseMaterials',
  'recipientReasons',
  'declineDetails',
  // 第二十五条: who visited the person (a name)
  'visitedBy',
];
/** Fields known to name no one, kept in plain text. */
export const PLAIN_FIELDS: readonly string[] = [
  'situation',
  'priorityGroups',
  'investigationEndedOn',
  'discoveredOn',
  'noticedAt',
  'estimatedCostYuan',
  'receivedAt',
  'startedOn',
  'concludedOn',
  'outcome',
  'refusalReasons',
  'step',
  'occurredAt',
  'openingMessageId',
  // 第十条–第十八条 need categories, 第十七条 elder flag, 第二十条 ¶2 paid-first decision, a declining unit's reason code
  'needs',
  'elder',
  // 第二十五条 follow-up visits: the day, the situation after the help, the needs left (categories)
  'visitedOn',
  'situationAfter',
  'furtherNeeds',
  'paidFirst',
  'decidedOn',
  'amountYuan',
  'declineReason',
];

export type JsonRecord = Record<string, unknown>;

function isObject(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The associated data of one field: the row's handoff and the field's path. */
export function fieldAad(handoffId: string, path: string): string {
  return `${handoffId}|${path}`;
}

/** The record with its citizen fields encrypted under `key`, each bound to the handoff id and its path. */
export function sealCitizenFields(key: DataKey, handoffId: string, record: JsonRecord): JsonRecord {
  const sealed: JsonRecord = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (isCiphertext(value)) sealed[field] = value;
    else if (CITIZEN_OBJECTS.includes(field) && isObject(value)) {
      sealed[field] = Object.fromEntries(
        Object.entries(value).map(([inner, v]) => [inner, v === undefined || isCiphertext(v) ? v : encryptValue(key, fieldAad(handoffId, `${field}.${inner}`), v)]),
      );
    } else if (CITIZEN_FIELDS.includes(field)) sealed[field] = encryptValue(key, fieldAad(handoffId, field), value);
    else sealed[field] = value;
  }
  return sealed;
}

/** Every data key id the record's ciphertexts name. */
export function keyIdsIn(record: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (value: unknown): void => {
    if (isCiphertext(value)) ids.add(keyIdOf(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value)) Object.values(value).forEach(walk);
  };
  walk(record);
  return ids;
}

/** The record with every ciphertext decrypted (plain fields, and rows written before encryption, pass through). */
export function openCitizenFields(keys: KeyLookup, handoffId: string, record: JsonRecord): JsonRecord {
  const open = (value: unknown, path: string): unknown => {
    if (isCiphertext(value)) return decryptValue(keys, fieldAad(handoffId, path), value);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([field, v]) => [field, open(v, path ? `${path}.${field}` : field)]));
    return value;
  };
  return open(record, '') as JsonRecord;
}
