export * from './unit.registry.js';
export * from './unit-system.mapper.js';
export * from './unit-message.schemas.js';
export * from './civil-affairs/civil-affairs.schema.js';
export * from './education/education.schema.js';
export * from './projections/recipient-projections.js';
export * from './projections/project-payload.js';
