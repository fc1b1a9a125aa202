// Approvals that bind (issue 24, items 1 and 4, in part): a signature covers the version it signed; an RSA key under 2048 bits or an unknown key type is
// refused with a sentence wherever a key is read (validate, approve, verify), and approve never signs edits that are
// not committed. ssh-keygen makes the keys and signatures, as the referee.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshKeyProblem } from '../../../core/common/ssh-key.js';
import { loadSigner, verifySshsig } from '../../../core/node/git/sshsig.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const MASTER = 'contracts/master_contract.yaml';
const CR42 = 'contracts/changes/CR-42.yaml';

function key(type: 'ed25519' | 'rsa', bits?: number): { file: string; pub: string } {
  const file = path.join(tempDir(), `id_${type}${bits ?? ''}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'k@test', '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

/** The example as a repository with member ana holding `pub` (client, steering committee). */
function withMember(pub: string): string {
  const dir = exampleCopy();
  const file = path.join(dir, MASTER);
  const members = `  members:\n    - {id: ana, name: Ana Client, email: ana@client.example, roles: [client, steering_committee, design_lead, dev_lead], ssh_key: ${pub}}\n  decision_rights:`;
  writeFileSync(file, readFileSync(file, 'utf8').replace('  decision_rights:', members));
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
  return dir;
}

describe('keys that may sign', () => {
  it('Ed25519 and RSA of 2048 bits may; RSA of 1024 bits, DSA and what is no key may not, each with a sentence', () => {
    expect(sshKeyProblem(key('ed25519').pub)).toBeNull();
    expect(sshKeyProblem(key('rsa', 2048).pub)).toBeNull();
    expect(sshKeyProblem(key('rsa', 1024).pub)).toBe('an RSA key of 1024 bits is too weak to sign a contract (Ed25519, ECDSA or RSA of 2048 bits and more)');
    // a DSA key line (OpenSSH no longer makes them): its wire format, type then numbers
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const dss = Buffer.concat([str(Buffer.from('ssh-dss')), str(Buffer.alloc(128, 1)), str(Buffer.alloc(20, 1))]).toString('base64');
    expect(sshKeyProblem(`ssh-dss ${dss}`)).toBe('the key type ssh-dss is not accepted (Ed25519, ECDSA or RSA of 2048 bits and more)');
    expect(sshKeyProblem('ssh-ed25519 not-base64!')).toMatch(/^it is not an SSH public key/);
  });

  it('a member key of 1024 bits is an error at its line, approve refuses it, and its signature does not verify', () => {
    const weak = key('rsa', 1024);
    const dir = withMember(weak.pub);
    const v = covenant(['validate', dir, '--today', '2025-10-20']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /contracts\/master_contract\.yaml:\d+:\d+ error key-refused Ana Client's ssh_key cannot sign for them: an RSA key of 1024 bits is too weak/,
    );
    const a = covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', weak.file], undefined, IDENTITY);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('cannot sign a contract: an RSA key of 1024 bits is too weak');
    expect(sysgit(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
    expect(() => loadSigner(readFileSync(weak.file, 'utf8'))).toThrow(/1024 bits is too weak/);
    // a signature ssh-keygen makes with that key is refused by the verifier, as git refuses it
    const msg = path.join(tempDir(), 'm.txt');
    writeFileSync(msg, 'tree 0\n');
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'git', '-f', weak.file, msg]);
    const check = verifySshsig(readFileSync(msg), readFileSync(`${msg}.sig`, 'utf8'));
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('signed with a key that cannot sign: an RSA key of 1024 bits') });
  });
});

describe('approve signs what is committed', () => {
  it('an uncommitted edit of the file is refused, named by field; nothing is written or committed', () => {
    const good = key('ed25519');
    const dir = withMember(good.pub);
    const cr = path.join(dir, CR42);
    const edited = readFileSync(cr, 'utf8').replace('risk_score: 5', 'risk_score: 7');
    writeFileSync(cr, edited);
    const r = covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${CR42} has changes that are not committed (impact_analysis.risk_score: 5 → 7)`);
    expect(readFileSync(cr, 'utf8')).toBe(edited);
    expect(sysgit(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
    // committed, it is signed
    sysgit(dir, 'commit', '-qam', 'risk 7');
    expect(covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY).code).toBe(0);
  });
});

describe('an approve that was killed', () => {
  it('between writing the entry and committing it: the next approve signs it, and it holds', () => {
    const good = key('ed25519');
    const dir = withMember(good.pub);
    const cr = path.join(dir, CR42);
    const committed = readFileSync(cr, 'utf8');
    // someone else's uncommitted entry is not mine to sign
    writeFileSync(cr, `${committed}approvals:\n  - {member: sam, at: "2025-10-12T10:00:00Z"}\n`);
    expect(covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY).stderr).toContain('has changes that are not committed');
    // what a kill right after the write leaves: my entry in the file, no commit
    writeFileSync(cr, `${committed}approvals:\n  - {member: ana, role: steering_committee, at: "2025-10-12T10:00:00Z"}\n`);
    const r = covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    const v = covenant(['verify', dir, '--format', 'json']);
    expect(JSON.parse(v.stdout).approvals).toMatchObject([{ member: 'ana', status: 'holds' }]);
  });
});

describe('a signature covers the version it signed', () => {
  it('an unsigned change after the approval voids it, named by field; a comment-only change does not', () => {
    const good = key('ed25519');
    const dir = withMember(good.pub);
    expect(covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY).code).toBe(0);
    expect(covenant(['verify', dir]).code).toBe(0);
    const cr = path.join(dir, CR42);
    // a comment and a blank line: the agreed values are the same, the approval holds
    writeFileSync(cr, `# reviewed again\n${readFileSync(cr, 'utf8')}\n`);
    sysgit(dir, 'commit', '-qam', 'comment');
    expect(covenant(['verify', dir]).code).toBe(0);
    // the budget changed in an unsigned commit: the signature covers an earlier version
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('budget_delta_pct: 7', 'budget_delta_pct: 9'));
    sysgit(dir, 'commit', '-qam', 'sneaky');
    const v = covenant(['verify', dir, '--format', 'json']);
    expect(v.code).toBe(1);
    const [check] = JSON.parse(v.stdout).approvals;
    expect(check).toMatchObject({ member: 'ana', status: 'stale' });
    expect(check.message).toMatch(/^Ana Client approved an earlier version \(commit [0-9a-f]{7}\); changed since: impact_analysis\.budget_delta_pct: 7 → 9\.$/);
    // and the validator says so at the approval (report mode: a warning)
    expect(covenant(['validate', dir, '--today', '2025-10-20']).stdout).toMatch(
      /CR-42\.yaml:\d+:\d+ warning approval-unverified Ana Client approved an earlier version/,
    );
  });
});

describe('no backdating, no replay', () => {
  /** Commits the staged change signed with `key` by system git (gpg.format ssh), as a member could by hand. */
  function signedCommit(dir: string, keyFile: string, message: string): void {
    execFileSync('git', ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${keyFile}`, 'commit', '-q', '-S', '-m', message], {
      cwd: dir,
      env: { ...process.env, ...IDENTITY, GIT_AUTHOR_NAME: 'Ana Client', GIT_AUTHOR_EMAIL: 'ana@client.example', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  }

  it('an approval dated after the commit that signed it is refused, though the signature itself is good', () => {
    const good = key('ed25519');
    const dir = withMember(good.pub);
    const cr = path.join(dir, CR42);
    writeFileSync(cr, `${readFileSync(cr, 'utf8')}approvals:\n  - {member: ana, role: steering_committee, at: 2031-01-01T00:00:00Z}\n`);
    sysgit(dir, 'add', CR42);
    signedCommit(dir, good.file, 'Approve CR-42 (dated ahead)');
    const v = covenant(['verify', dir, '--format', 'json']);
    expect(v.code).toBe(1);
    const [check] = JSON.parse(v.stdout).approvals;
    expect(check.status).toBe('misdated');
    expect(check.message).toMatch(/^Ana Client's approval is dated 2031-01-01T00:00:00Z, after the commit that signed it \(20\d\d-/);
  });

  it('a signature copied onto another commit does not verify there', () => {
    const good = key('ed25519');
    const dir = withMember(good.pub);
    expect(covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', good.file], undefined, IDENTITY).code).toBe(0);
    expect(covenant(['verify', dir]).code).toBe(0);
    // the same commit object with another message (and so another payload) keeps the signature header
    const raw = sysgit(dir, 'cat-file', 'commit', 'HEAD');
    const forged = raw.replace(/\n\nApprove CR-42[^\n]*/, '\n\nApprove CR-42 and CR-43');
    expect(forged).not.toBe(raw);
    const oid = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: dir, input: forged, encoding: 'utf8' }).trim();
    sysgit(dir, 'update-ref', 'refs/heads/main', oid);
    const v = covenant(['verify', dir, '--format', 'json']);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).approvals[0]).toMatchObject({ status: 'replayed' });
  });
});
