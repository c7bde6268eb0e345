import type { components, operations } from './generated/adapter.js';
import type { components as CivilAffairsComponents } from './generated/adapter-civil-affairs.js';
import type { components as EducationComponents } from './generated/adapter-education.js';
import { type Answer, type CallOptions, type ClientOptions, HttpCore, query } from './http.js';

// Every type below is read from the types openapi-typescript generated from the committed
// documents: a change of the API that the client does not follow fails `npm run typecheck`.

type Schemas = components['schemas'];
type Body<O extends keyof operations> = operations[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Ok<O extends keyof operations> = operations[O]['responses'] extends infer R
  ? R extends { 200: { content: { 'application/json': infer T } } }
    ? T
    : R extends { 201: { content: { 'application/json': infer T } } }
      ? T
      : never
  : never;
type Query<O extends keyof operations> = operations[O]['parameters'] extends { query?: infer Q } ? Q : never;

export type OpenJudicialReferral = Body<'handoffsOpenJudicialReferral'>;
export type OpenAdvanceReferral = Body<'handoffsOpenAdvanceReferral'>;
export type OpenLead = Body<'handoffsOpenLead'>;
export type OpenUrgentMedicalNotice = Body<'handoffsOpenUrgentMedicalNotice'>;
export type ProcedureStarted = Body<'handoffsProcedureStarted'>;
export type Concluded = Body<'handoffsConcluded'>;
export type Feedback = Body<'handoffsFeedback'>;
export type AdvancePaymentDecision = Body<'handoffsAdvancePaymentDecision'>;
export type RegisterInvestigationEnded = Body<'registrationsInvestigationEnded'>;
export type RegisterLeadDiscovered = Body<'registrationsLeadDiscovered'>;
export type Registration = Ok<'registrationsInvestigationEnded'>;
export type RoutingRequest = Body<'routingPropose'>;
export type RoutingProposal = Ok<'routingPropose'>;
export type RosterRequest = Body<'unitRosterSave'>;
export type OpenedHandoffs = Ok<'handoffsOpenJudicialReferral'>;
export type StepReported = Ok<'handoffsProcedureStarted'>;
export type HandoffPage = Ok<'handoffsList'>;
export type HandoffView = Ok<'handoffsGet'>;
export type InboxAck = Ok<'inboxAcknowledge'>;
export type RosterEntry = Ok<'unitRosterGet'>;
export type ListHandoffsQuery = NonNullable<Query<'handoffsList'>>;
export type InboxQuery = NonNullable<Query<'inboxList'>>;

/** What a unit's system receives, by the unit's mapper. */
export type BusEnvelope = Schemas['BusEnvelope'];
export type CivilAffairsMessage = CivilAffairsComponents['schemas']['CivilAffairsMessage'];
export type EducationMessage = EducationComponents['schemas']['EducationMessage'];
/** The message a unit's system receives: pick the unit's own shape. */
export interface UnitMessages {
  canonical: BusEnvelope;
  'civil-affairs': CivilAffairsMessage;
  education: EducationMessage;
}

export interface InboxItem<M> {
  messageId: string;
  receivedAt: string;
  message: M;
}

/**
 * A unit's system talking to its adapter: one method per operation of docs/openapi/adapter-<unit>.json.
 * `M` is the shape of the unit's inbox messages (`BusEnvelope` unless the unit has a mapper).
 * Each method resolves with the answer's body, or rejects with BusApiError (status + problem).
 * The `…WithAnswer` form of a call, through `raw`, also gives the status and headers.
 */
export class BusAdapterClient<M = BusEnvelope> {
  readonly raw: HttpCore;

  constructor(options: ClientOptions) {
    this.raw = new HttpCore(options);
  }

  /** 第十九条 ¶1: the procuratorate's written referral to one or more units. */
  openJudicialReferral(body: OpenJudicialReferral, call?: CallOptions): Promise<OpenedHandoffs> {
    return this.data('POST', '/handoffs/judicial-referrals', body, call);
  }

  /** 第十九条 ¶2: advance referral while the case is open; `reason` is required. */
  openAdvanceReferral(body: OpenAdvanceReferral, call?: CallOptions): Promise<OpenedHandoffs> {
    return this.data('POST', '/handoffs/advance-referrals', body, call);
  }

  /** 第二十条 ¶1: a social unit's lead to the procuratorate. */
  openLead(body: OpenLead, call?: CallOptions): Promise<OpenedHandoffs> {
    return this.data('POST', '/handoffs/leads', body, call);
  }

  /** 第二十条 ¶2: urgent medical notice to the procuratorate. */
  openUrgentMedicalNotice(body: OpenUrgentMedicalNotice, call?: CallOptions): Promise<OpenedHandoffs> {
    return this.data('POST', '/handoffs/urgent-medical-notices', body, call);
  }

  /** 第二十一条: the receiver started its procedure. */
  reportProcedureStarted(handoffId: string, body: ProcedureStarted, call?: CallOptions): Promise<StepReported> {
    return this.data('POST', `/handoffs/${encodeURIComponent(handoffId)}/procedure-started`, body, call);
  }

  /**
   * 第二十条 ¶2: the procuratorate's decision whether it paid first (先行救助) on an urgent medical
   * notice; paidFirst starts the paperwork duty (补办手续).
   */
  decideAdvancePayment(handoffId: string, body: AdvancePaymentDecision, call?: CallOptions): Promise<StepReported> {
    return this.data('POST', `/handoffs/${encodeURIComponent(handoffId)}/advance-payment-decision`, body, call);
  }

  /** 第十九条 ¶1: the procuratorate registers that an investigation ended; the referral is due within 5 working days. */
  registerInvestigationEnded(body: RegisterInvestigationEnded, call?: CallOptions): Promise<Registration> {
    return this.data('POST', '/registrations/investigations-ended', body, call);
  }

  /** 第二十条 ¶1: a department registers that it discovered a lead; the lead is due within 5 working days. */
  registerLeadDiscovered(body: RegisterLeadDiscovered, call?: CallOptions): Promise<Registration> {
    return this.data('POST', '/registrations/leads-discovered', body, call);
  }

  /** 第九条, 第十九条: attach a document (PDF, image, office document; base64) to a handoff. */
  addAttachment(handoffId: string, body: Body<'attachmentsAdd'>, call?: CallOptions): Promise<Ok<'attachmentsAdd'>> {
    return this.data('POST', `/handoffs/${encodeURIComponent(handoffId)}/attachments`, body, call);
  }

  listAttachments(handoffId: string, call?: CallOptions): Promise<Ok<'attachmentsList'>> {
    return this.data('GET', `/handoffs/${encodeURIComponent(handoffId)}/attachments`, undefined, call);
  }

  /** The unit's registered duties (第十九条 ¶1, 第二十条 ¶1). */
  listRegistrations(call?: CallOptions): Promise<Ok<'registrationsList'>> {
    return this.data('GET', '/registrations', undefined, call);
  }

  /** 第十条–第十八条: the units a person's needs point to, each with its article (writes nothing). */
  proposeRecipients(body: RoutingRequest, call?: CallOptions): Promise<RoutingProposal> {
    return this.data('POST', '/routing/proposals', body, call);
  }

  /** 第二十一条 办结; a refusal by the procuratorate cites 第六条, a department's gives declineReason and declineDetails. */
  reportConcluded(handoffId: string, body: Concluded, call?: CallOptions): Promise<StepReported> {
    return this.data('POST', `/handoffs/${encodeURIComponent(handoffId)}/concluded`, body, call);
  }

  /** 第二十一条: feedback on the outcome, back to the sender. */
  giveFeedback(handoffId: string, body: Feedback, call?: CallOptions): Promise<StepReported> {
    return this.data('POST', `/handoffs/${encodeURIComponent(handoffId)}/feedback`, body, call);
  }

  listHandoffs(filter?: ListHandoffsQuery, call?: CallOptions): Promise<HandoffPage> {
    return this.data('GET', `/handoffs${query(filter)}`, undefined, call);
  }

  /** 第八条: the units working the same referral, and how far each has got (steps and dates, no details). */
  getCaseProgress(handoffId: string, call?: CallOptions): Promise<Ok<'handoffsCaseProgress'>> {
    return this.data('GET', `/handoffs/${encodeURIComponent(handoffId)}/case`, undefined, call);
  }

  getHandoff(handoffId: string, call?: CallOptions): Promise<HandoffView> {
    return this.data('GET', `/handoffs/${encodeURIComponent(handoffId)}`, undefined, call);
  }

  /** Messages not yet acknowledged, oldest first, in the unit's own field names. */
  listInbox(filter?: InboxQuery, call?: CallOptions): Promise<{ items: InboxItem<M>[] }> {
    return this.data('GET', `/inbox${query(filter)}`, undefined, call);
  }

  acknowledge(messageId: string, call?: CallOptions): Promise<InboxAck> {
    return this.data('POST', `/inbox/${encodeURIComponent(messageId)}/ack`, {}, call);
  }

  getRoster(call?: CallOptions): Promise<RosterEntry> {
    return this.data('GET', '/roster', undefined, call);
  }

  saveRoster(body: RosterRequest, call?: CallOptions): Promise<RosterEntry> {
    return this.data('PUT', '/roster', body, call);
  }

  /** The adapter's own OpenAPI document. */
  openApiDocument(call?: CallOptions): Promise<Record<string, unknown>> {
    return this.data('GET', '/openapi.json', undefined, call);
  }

  private async data<T>(method: string, path: string, body: unknown, call?: CallOptions): Promise<T> {
    const answer: Answer<T> = await this.raw.call<T>(method, path, body, call);
    return answer.data;
  }
}
