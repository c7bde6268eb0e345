/**
 * Every kind of alert, in one place (the office's API, its DTOs and the console's inbox read it):
 * reminders and escalations of a duty (第十九条–第二十一条), the office's notices, and the bus's
 * own alarms.
 */
export const ALERT_KINDS = ['reminder', 'escalation', 'calendar-missing', 'roster-changed', 'duty-done-late', 'message-refused', 'operations'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What the office's inbox shows by default: everything but reminders (those go to the units). */
export const OFFICE_INBOX_KINDS: readonly AlertKind[] = ALERT_KINDS.filter((kind) => kind !== 'reminder');
