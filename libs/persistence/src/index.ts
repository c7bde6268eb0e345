// The persistence library's public face: scopes and row types. PrismaService stays internal.
export * from './agency-scope.js';
export type { ClaimedAlert, AlertFilter, NewAlert } from './alert.repository.js';
export type { ConsoleRole } from './console-user.repository.js';
export { isUniqueViolation, isUuid } from './db.js';
export type { Handoff, HandoffStep } from './db-enums.js';
export type { Alert, AlertNote, CalendarYear, ConsoleUser, InboxEntry, Obligation, RosterEntry } from './generated/prisma/client.js';
export type { BoardFilter, BoardRows, Viewer } from './handoff-board.repository.js';
export type { HandoffFilter, HandoffWithSteps } from './handoff.repository.js';
export type { DeliveryStatus } from './inbox.repository.js';
export type { NewObligation } from './obligation.repository.js';
export * from './observation.queries.js';
export * from './office-scope.js';
export type { ClaimedMessage } from './outbox.repository.js';
export * from './api-key.repository.js';
export * from './persistence.module.js';
export { SCRAPE_STATEMENT_TIMEOUT_MS } from './bounded-query.js';
export type { RosterPeople } from './roster.repository.js';
export type { StoredResponse } from './idempotency.repository.js';
