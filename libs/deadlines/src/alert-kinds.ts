/**
 * Every kind of alert, in one place (the office's API, its DTOs and the console's inbox read it):
 * reminders and escalations of a duty (第十九条–第二十一条), the office's notices, and the bus's
 * own alarms.
 */
export const ALERT_KINDS = ['reminder', 'escalation', 'calendar-missing', 'roster-changed', 'duty-done-late', 'message-refused', 'operations', 'office-notice', 'meeting-requested'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Alerts the units' people receive, not the office: reminders, and the office's own notices to the units (第二十二条). */
const TO_THE_UNITS: readonly AlertKind[] = ['reminder', 'office-notice'];

/** What the office's inbox shows by default: everything but what goes to the units. */
export const OFFICE_INBOX_KINDS: readonly AlertKind[] = ALERT_KINDS.filter((kind) => !TO_THE_UNITS.includes(kind));
