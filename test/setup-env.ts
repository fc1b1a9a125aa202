// Every test runs as a person with no git configuration of their own, whatever the machine has: identity and line
// ending settings come only from what a test sets up (a repository's config, or the env it passes on purpose).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const home = mkdtempSync(path.join(tmpdir(), 'covenant-home-'));
process.env.HOME = home;
process.env.GIT_CONFIG_NOSYSTEM = '1';
for (const k of ['XDG_CONFIG_HOME', 'GIT_CONFIG_GLOBAL', 'EMAIL', 'GIT_CONFIG_COUNT']) delete process.env[k];
for (const k of Object.keys(process.env)) if (/^GIT_(AUTHOR|COMMITTER)_/.test(k)) delete process.env[k];
