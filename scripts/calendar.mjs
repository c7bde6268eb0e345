// The office's calendar command: load a year's statutory arrangement into the running scheduler,
// through its API, so the CLI and the API refuse and accept exactly the same uploads.
//   node scripts/calendar.mjs load 2027.json     # {"year": 2027, "holidays": [...], "makeupWorkdays": [...]}
//   node scripts/calendar.mjs list
// SCHEDULER_URL (default http://127.0.0.1:3200) and OFFICE_API_KEY (the office's key) are read here.
import { readFileSync } from 'node:fs';

const [command, file] = process.argv.slice(2);
const base = process.env.SCHEDULER_URL ?? 'http://127.0.0.1:3200';
const key = process.env.OFFICE_API_KEY;
if (!key) {
  console.error('OFFICE_API_KEY is not set: the office key (npm run bus prints it; .bus/keys.json keeps it)');
  process.exit(2);
}
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(`${base}${path}`, { method, headers, body: body && JSON.stringify(body) });
  } catch {
    console.error(`the scheduler is not reachable at ${base} (SCHEDULER_URL): start the bus first (npm run bus)`);
    process.exit(1);
  }
  const answer = await response.json();
  if (!response.ok) {
    console.error(`refused (${response.status}): ${answer.message}`);
    for (const problem of answer.problems ?? []) console.error(`  ${problem.field ? `${problem.field}: ` : ''}${problem.message}`);
    process.exit(1);
  }
  return answer;
}

if (command === 'load' && file) {
  const { year, holidays, makeupWorkdays } = JSON.parse(readFileSync(file, 'utf8'));
  const result = await call('PUT', `/calendar/years/${year}`, { holidays, makeupWorkdays });
  console.log(`calendar ${result.year} loaded; ${result.recomputed} provisional deadlines recomputed`);
} else if (command === 'list') {
  for (const year of await call('GET', '/calendar/years')) {
    console.log(`${year.year}: ${year.holidays.length} holidays, ${year.makeupWorkdays.length} make-up working days (loaded ${year.loadedAt} by ${year.loadedBy})`);
  }
} else {
  console.error('usage: node scripts/calendar.mjs load <file.json> | list');
  process.exit(2);
}
