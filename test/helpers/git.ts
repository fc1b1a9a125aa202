import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** System git, used in tests as the cross-check only (the app never needs it). */
export function sysgit(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'System Git',
      GIT_AUTHOR_EMAIL: 'sys@example.com',
      GIT_COMMITTER_NAME: 'System Git',
      GIT_COMMITTER_EMAIL: 'sys@example.com',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_SYSTEM: '/dev/null',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A name and email as the author and committer of a commit made now (what Covenant's commit takes). */
export function signed(who: { name: string; email: string }, when = new Date()) {
  const sig = { ...who, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: when.getTimezoneOffset() };
  return { author: sig, committer: sig };
}

/** Commits what is staged with system git at a given time (author and committer date), for histories with real dates. */
export function commitAt(dir: string, iso: string, message: string): void {
  execFileSync('git', ['commit', '-q', '-m', message], {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'S',
      GIT_AUTHOR_EMAIL: 's@e.com',
      GIT_COMMITTER_NAME: 'S',
      GIT_COMMITTER_EMAIL: 's@e.com',
      GIT_AUTHOR_DATE: iso,
      GIT_COMMITTER_DATE: iso,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_SYSTEM: '/dev/null',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fresh ed25519 key pair for a member (no passphrase): the private key's file and the public key as the master holds it. */
export function memberKey(dir: string, name = 'ana'): { file: string; pub: string } {
  const file = path.join(dir, `id_${name}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

/** Makes ana (every role of the example's decision rights) a member of the workspace's master, with that key. */
export function withMemberAna(workspace: string, pub: string): void {
  const master = path.join(workspace, 'contracts/master_contract.yaml');
  writeFileSync(
    master,
    readFileSync(master, 'utf8').replace(
      '  decision_rights:',
      `  members:\n    - {id: ana, name: Ana Client, email: ana@client.example, roles: [client, steering_committee, design_lead, dev_lead], ssh_key: ${pub}}\n  decision_rights:`,
    ),
  );
}

/** The example in `dir` as a repository of one commit, with ana a member holding a fresh key: the key is returned. */
export function committedWithAna(dir: string, keyDir: string): { file: string; pub: string } {
  const ana = memberKey(keyDir);
  withMemberAna(dir, ana.pub);
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
  return ana;
}
