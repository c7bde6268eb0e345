export * from './alert-schedule.js';
export * from './deadline-rules.js';
export * from './alert-composer.js';
export * from './alert-kinds.js';
export * from './duties/obligation-plan.js';
export * from './duties/registration-kinds.js';
