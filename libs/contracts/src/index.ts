// class-transformer decorators read design-time types through reflect-metadata.
import 'reflect-metadata';
export * from './agency-codes.js';
export * from './calendar-date.js';
export * from './envelope.js';
export * from './handoff.enums.js';
export * from './message-types.js';
export * from './payloads/case-subject.dto.js';
export * from './payloads/lifecycle.payloads.js';
export * from './payloads/opening.payloads.js';
export * from './payloads/person.dto.js';
export * from './policy.enums.js';
export * from './resident-id.js';
export * from './validation.js';
export * from './queue-names.js';
