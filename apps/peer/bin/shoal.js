#!/usr/bin/env node
// The `shoal` command. The TypeScript sources are compiled by `npm ci` (the root `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('shoal: not built yet; run `npm ci` (or `npm run build`) at the repository root\n');
  process.exit(1);
}
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`shoal: needs Node.js 24 or newer (this is ${process.version}); run it as \`npx shoal\`\n`);
  process.exit(1);
}
await import(entry.href);
