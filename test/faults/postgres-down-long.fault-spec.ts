import { postgresOutageScenario } from './support/postgres-outage.js';

// PostgreSQL down for longer than any attempt count covers: FAULT_PG_OUTAGE_SECONDS, 5 minutes by
// default (jobs were seen that spent their 8 attempts in ~127 s and vanished).
const seconds = Number(process.env.FAULT_PG_OUTAGE_SECONDS || 300);
postgresOutageScenario(`PostgreSQL down ${seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`}`, seconds);
