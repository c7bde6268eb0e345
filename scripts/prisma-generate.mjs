// `prisma generate` with the prisma-client generator needs only WebAssembly, but the CLI still
// looks for a native schema engine, which cannot be downloaded on an air-gapped network. Point
// it at a placeholder file: generation never runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const placeholder = join(mkdtempSync(join(tmpdir(), 'prisma-engine-')), 'schema-engine');
writeFileSync(placeholder, '#!/bin/sh\necho "the native schema engine is not used; see scripts/migrate.mjs" >&2\nexit 1\n', { mode: 0o755 });
const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
