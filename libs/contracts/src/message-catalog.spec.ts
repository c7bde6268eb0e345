import { IsString } from 'class-validator';
import { HANDOFF_KINDS } from './handoff.enums.js';
import { MessageCatalog, type MessageRegistry } from './message-catalog.js';
import { MESSAGE_REGISTRY } from './message-registry.js';

class NotePayloadV1 {
  @IsString() note!: string;
}

describe('a message catalog refuses a registry it cannot derive from', () => {
  it('refuses two types with one wire name: a job name must name one type', () => {
    const twice = { ...MESSAGE_REGISTRY, Again: { type: 'handoff.receipt', queue: 'inbox', payloads: { 1: NotePayloadV1 }, handling: { kind: 'step-event' } } } as const satisfies MessageRegistry;
    expect(() => new MessageCatalog(twice)).toThrow('two message types share a wire name');
  });

  it('refuses a kind of handoff with no opening message, or with two', () => {
    const { SocialLead: _dropped, ...withoutLead } = MESSAGE_REGISTRY;
    expect(() => new MessageCatalog(withoutLead).openingMessages(HANDOFF_KINDS)).toThrow('handoffs of kind social-lead need exactly one opening message type, not 0');
    const secondOpener = { ...MESSAGE_REGISTRY, LeadAgain: { type: 'handoff.lead-again', queue: 'inbox', payloads: { 1: NotePayloadV1 }, handling: { kind: 'opening', opens: 'social-lead' } } } as const satisfies MessageRegistry;
    expect(() => new MessageCatalog(secondOpener).openingMessages(HANDOFF_KINDS)).toThrow('not 2');
  });

  it('derives from the bus’s registry an opening message per kind', () => {
    expect(new MessageCatalog(MESSAGE_REGISTRY).openingMessages(HANDOFF_KINDS)).toEqual({
      'judicial-referral': 'handoff.judicial-referral',
      'advance-referral': 'handoff.advance-referral',
      'social-lead': 'handoff.social-lead',
      'urgent-medical-notice': 'handoff.urgent-medical-notice',
    });
  });
});
