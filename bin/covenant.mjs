#!/usr/bin/env node
// The `covenant` command. Runs the bundle that `npm install` builds (the prepare script) from core/node/cli.ts.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/node/cli.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('covenant: the CLI is not built yet; run `npm install` (or `npm run build:node`) in the Covenant folder.\n');
  process.exit(2);
}
const { main } = await import(bundle.href);
await main();
