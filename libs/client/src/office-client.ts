import type { operations } from './generated/scheduler.js';
import { type CallOptions, type ClientOptions, HttpCore, query } from './http.js';

// Types read from the scheduler's generated types (docs/openapi/scheduler.json).

type Body<O extends keyof operations> = operations[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Ok<O extends keyof operations> = operations[O]['responses'] extends infer R
  ? R extends { 200: { content: { 'application/json': infer T } } }
    ? T
    : R extends { 201: { content: { 'application/json': infer T } } }
      ? T
      : never
  : never;
type Query<O extends keyof operations> = NonNullable<operations[O]['parameters'] extends { query?: infer Q } ? Q : never>;

export type Escalation = Ok<'escalationsGet'>;
export type EscalationList = Ok<'escalationsList'>;
export type EscalationNote = Ok<'escalationsNote'>;
export type Obligations = Ok<'obligationsForHandoff'>;
export type CalendarYears = Ok<'calendarList'>;
export type CalendarLoaded = Ok<'calendarLoad'>;
export type OfficeRoster = Ok<'rosterList'>;
export type OfficeRosterEntry = Ok<'rosterSave'>;

/** The joint-meeting office's system talking to the scheduler (docs/openapi/scheduler.json). */
export class BusOfficeClient {
  readonly raw: HttpCore;

  constructor(options: ClientOptions) {
    this.raw = new HttpCore(options);
  }

  listEscalations(filter?: Query<'escalationsList'>, call?: CallOptions): Promise<EscalationList> {
    return this.data('GET', `/escalations${query(filter)}`, undefined, call);
  }

  getEscalation(id: string, call?: CallOptions): Promise<Escalation> {
    return this.data('GET', `/escalations/${encodeURIComponent(id)}`, undefined, call);
  }

  acknowledgeEscalation(id: string, body: Body<'escalationsAcknowledge'>, call?: CallOptions): Promise<Ok<'escalationsAcknowledge'>> {
    return this.data('POST', `/escalations/${encodeURIComponent(id)}/acknowledge`, body, call);
  }

  addNote(id: string, body: Body<'escalationsNote'>, call?: CallOptions): Promise<EscalationNote> {
    return this.data('POST', `/escalations/${encodeURIComponent(id)}/notes`, body, call);
  }

  obligations(handoffId: string, call?: CallOptions): Promise<Obligations> {
    return this.data('GET', `/obligations${query({ handoffId })}`, undefined, call);
  }

  calendarYears(call?: CallOptions): Promise<CalendarYears> {
    return this.data('GET', '/calendar/years', undefined, call);
  }

  loadCalendarYear(year: number, body: Body<'calendarLoad'>, call?: CallOptions): Promise<CalendarLoaded> {
    return this.data('PUT', `/calendar/years/${year}`, body, call);
  }

  roster(call?: CallOptions): Promise<OfficeRoster> {
    return this.data('GET', '/roster', undefined, call);
  }

  saveRoster(agency: OfficeRosterEntry['agency'], body: Body<'rosterSave'>, call?: CallOptions): Promise<OfficeRosterEntry> {
    return this.data('PUT', `/roster/${encodeURIComponent(agency)}`, body, call);
  }

  private async data<T>(method: string, path: string, body: unknown, call?: CallOptions): Promise<T> {
    return (await this.raw.call<T>(method, path, body, call)).data;
  }
}
