export * from './agency.registry.js';
export * from './unit-system.mapper.js';
