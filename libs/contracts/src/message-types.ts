import { HANDOFF_KINDS, type HandoffKind } from './handoff.enums.js';
import type { MessageTypeIn, MessageTypeOnQueue } from './message-catalog.js';
import { MESSAGE_REGISTRY, MESSAGES } from './message-registry.js';

type Registry = typeof MESSAGE_REGISTRY;

/**
 * Message type names by the code's name for them (`MessageType.Receipt`): the frozen wire names of
 * MESSAGE_REGISTRY, used as BullMQ job names and as the queue transport's patterns.
 */
export const MessageType = MESSAGES.names();
export type MessageType = MessageTypeIn<Registry>;
export const MESSAGE_TYPES: readonly MessageType[] = MESSAGES.types();

/** What travels between the units' adapters (everything but the scheduler's internal events). */
export const UNIT_MESSAGE_TYPES = MESSAGES.typesOn('inbox');
export type UnitMessageType = MessageTypeOnQueue<Registry, 'inbox'>;

/** The message that opens each kind of handoff. */
export const OPENING_MESSAGE = MESSAGES.openingMessages(HANDOFF_KINDS);
export type OpeningMessageType = (typeof OPENING_MESSAGE)[HandoffKind];

export const OPENING_MESSAGE_TYPES: readonly OpeningMessageType[] = Object.values(OPENING_MESSAGE);

export function isOpeningMessageType(type: MessageType): type is OpeningMessageType {
  return MESSAGES.handlingOf(type).kind === 'opening';
}
