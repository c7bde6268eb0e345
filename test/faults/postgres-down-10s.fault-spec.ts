import { postgresOutageScenario } from './support/postgres-outage.js';

// PostgreSQL down 10 s in the middle of a burst (see support/postgres-outage.ts).
postgresOutageScenario('PostgreSQL down 10 s', 10);
