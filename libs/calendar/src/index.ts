export * from './beijing-time.js';
export * from './calendar-source.js';
export * from './chinese-days.source.js';
export * from './in-memory.source.js';
export * from './layered-calendar.js';
export * from './statutory-calendar.js';
export * from './working-days.js';
export { InvalidArrangementError, validateArrangement } from './year-arrangement.js';
export type { ArrangementProblem, ArrangementProblemCode, YearArrangement, YearRange } from './year-arrangement.js';
