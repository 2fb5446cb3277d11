// Generates the Prisma client into apps/coordinator/src/generated/prisma.
//
// Generation itself runs in WebAssembly, but the Prisma CLI insists on locating its native
// schema engine first and tries to download it when absent, which fails on machines without
// internet access. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies that check;
// the engine is never run by `prisma generate`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js', {
  paths: [new URL('../apps/coordinator', import.meta.url).pathname],
});
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', 'prisma/schema.prisma'], {
  stdio: 'inherit',
  env,
  cwd: new URL('..', import.meta.url).pathname,
});
process.exit(result.status ?? 1);
