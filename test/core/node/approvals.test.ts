// Signed approvals (issue 15, items 5 and 6): SSH signatures made in pure JS that ssh-keygen and git verify-commit
// accept, approvals checked against the member's key and the role the decision needs.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commit } from '../../../core/node/git/commit.js';
import { loadSigner, sshsig, verifySshsig } from '../../../core/node/git/sshsig.js';
import { covenant } from '../../helpers/cli.js';
import { commitAt, signed, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const MASTER = 'contracts/master_contract.yaml';
const CR42 = 'contracts/changes/CR-42.yaml';

function hasSshKeygen(): boolean {
  const r = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' });
  if (r.error) throw new Error('ssh-keygen is not installed (apt-get install openssh-client); .ci/run installs it as the referee');
  return true;
}

/** A new key pair made by ssh-keygen (the referee), returned as the private key file and its public line. */
function keyPair(type: 'ed25519' | 'rsa' | 'ecdsa', passphrase = ''): { file: string; pub: string } {
  hasSshKeygen();
  const file = path.join(tempDir(), `id_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', `${type}@test`, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

/** The example with three members: ana (client, steering committee), sam (supplier), dana (design lead, no key). */
function withMembers(): { dir: string; ana: ReturnType<typeof keyPair>; sam: ReturnType<typeof keyPair> } {
  const dir = exampleCopy();
  const ana = keyPair('ed25519');
  const sam = keyPair('ed25519');
  const file = path.join(dir, MASTER);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      '  decision_rights:',
      [
        '  members:',
        `    - {id: ana, name: Ana Client, email: ana@client.example, roles: [client, steering_committee], ssh_key: ${ana.pub}}`,
        `    - {id: sam, name: Sam Supplier, email: sam@supplier.example, roles: [supplier, dev_lead], ssh_key: ${sam.pub}}`,
        '    - {id: dana, name: Dana Design, email: dana@example.com, roles: [design_lead]}',
        '  decision_rights:',
      ].join('\n'),
    ),
  );
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
  return { dir, ana, sam };
}

describe('SSH signatures in pure JS', () => {
  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('%s: ssh-keygen -Y verify accepts ours, and we verify ssh-keygen -Y sign', (type) => {
    const key = keyPair(type);
    const signer = loadSigner(readFileSync(key.file, 'utf8'));
    expect(signer.publicKey).toBe(key.pub);
    const dir = tempDir();
    const msg = path.join(dir, 'msg');
    writeFileSync(msg, 'the steering committee approves CR-42\n');
    writeFileSync(`${msg}.sig`, sshsig(readFileSync(msg), signer, 'file'));
    writeFileSync(path.join(dir, 'allowed'), `someone@test ${key.pub}\n`);
    const ours = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', path.join(dir, 'allowed'), '-I', 'someone@test', '-n', 'file', '-s', `${msg}.sig`], {
      input: readFileSync(msg),
      encoding: 'utf8',
    });
    expect(ours.stdout).toContain('Good "file" signature for someone@test');
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', key.file, '-n', 'file', msg]); // overwrites msg.sig
    const theirs = verifySshsig(readFileSync(msg), readFileSync(`${msg}.sig`, 'utf8'), 'file');
    expect(theirs).toMatchObject({ ok: true, publicKey: key.pub });
    // one changed byte, or another namespace, and it no longer holds
    expect(verifySshsig(Buffer.from('the steering committee approves CR-43\n'), readFileSync(`${msg}.sig`, 'utf8'), 'file').ok).toBe(false);
    expect(verifySshsig(readFileSync(msg), readFileSync(`${msg}.sig`, 'utf8'), 'git')).toMatchObject({
      ok: false,
      reason: 'signed for namespace file, not git',
    });
  });

  it('a protected key needs its passphrase, and a wrong one is a sentence', () => {
    const key = keyPair('ed25519', 'correct horse');
    const text = readFileSync(key.file, 'utf8');
    expect(() => loadSigner(text, undefined, 'id_ed25519')).toThrow('id_ed25519 is protected by a passphrase');
    expect(() => loadSigner(text, 'wrong', 'id_ed25519')).toThrow('The passphrase does not open id_ed25519.');
    expect(loadSigner(text, 'correct horse').publicKey).toBe(key.pub);
    expect(() => loadSigner('not a key', undefined, 'notes.txt')).toThrow(/notes.txt is not an SSH private key/);
  });
});

describe('signed approvals', () => {
  it('covenant approve commits the approval signed with the member key; verify and git verify-commit agree', () => {
    const { dir, ana } = withMembers();
    const r = covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', ana.file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Approved CR-42 as steering_committee: commit [0-9a-f]{7} signed with ana's key/);
    expect(readFileSync(path.join(dir, CR42), 'utf8')).toMatch(/approvals: \[\{member: ana, role: steering_committee, at: [0-9T:-]+Z\}\]/);
    expect(sysgit(dir, 'log', '-1', '--format=%an <%ae>|%s')).toBe('Ana Client <ana@client.example>|Approve CR-42 as steering_committee (Ana Client)\n');
    const v = covenant(['verify', dir]);
    expect(v.stdout).toContain('contracts/changes/CR-42.yaml ana as steering_committee: holds - Signed by Ana Client with their key');
    expect(v.code).toBe(0);
    const allowed = path.join(tempDir(), 'allowed_signers');
    expect(covenant(['allowed-signers', dir, '--out', allowed]).code).toBe(0);
    const git = spawnSync('git', ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', 'HEAD'], { cwd: dir, encoding: 'utf8' });
    expect(git.stderr).toContain('Good "git" signature for ana@client.example with ED25519 key');
    expect(git.status).toBe(0);
    expect(covenant(['validate', dir]).code).toBe(0);
  });

  it('refuses another member key, an unknown member, and a member without the role the decision needs', () => {
    const { dir, ana, sam } = withMembers();
    const wrongKey = covenant(['approve', 'CR-42', dir, '--as', 'ana', '--key', sam.file]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain("is not Ana Client's");
    expect(covenant(['approve', 'CR-42', dir, '--as', 'zoe', '--key', ana.file]).stderr).toContain(
      'zoe is no member of governance.members (members: ana, sam, dana)',
    );
    const noRole = covenant(['approve', 'CR-42', dir, '--as', 'sam', '--key', sam.file]);
    expect(noRole.stderr).toContain('Decisions in the scope area of CR-42 need steering_committee; Sam Supplier (supplier, dev_lead) does not hold it.');
    expect(sysgit(dir, 'status', '--porcelain')).toBe(''); // nothing written by a refused approval
  });

  it('an approval "as client" signed with another key, or not signed at all, fails verify; enforcement makes it an error', async () => {
    const { dir, sam } = withMembers();
    // someone types ana's approval and commits it signed with sam's key
    const file = path.join(dir, CR42);
    writeFileSync(file, `${readFileSync(file, 'utf8')}approvals:\n  - {member: ana, role: client, at: 2025-10-15T10:00:00Z}\n`);
    const signer = loadSigner(readFileSync(sam.file, 'utf8'));
    await commit(dir, [CR42], 'Approve CR-42 as client', signed({ name: 'Ana Client', email: 'ana@client.example' }), undefined, (p) =>
      sshsig(Buffer.from(p), signer),
    );
    const v = covenant(['verify', dir, '--format', 'json']);
    expect(v.code).toBe(1);
    const [check] = JSON.parse(v.stdout).approvals;
    expect(check).toMatchObject({ member: 'ana', status: 'wrong-key' });
    expect(check.message).toMatch(/is signed with another key than Ana Client's/);
    // report mode: a warning; enforce: an error, and validate fails
    expect(covenant(['validate', dir]).stdout).toMatch(/CR-42.yaml:\d+:\d+ warning approval-unverified/);
    const master = path.join(dir, MASTER);
    writeFileSync(master, `${readFileSync(master, 'utf8')}enforcement: {mode: enforce}\n`);
    const enforced = covenant(['validate', dir]);
    expect(enforced.stdout).toMatch(/CR-42.yaml:\d+:\d+ error approval-unverified/);
    expect(enforced.code).toBe(1);
    // typed and committed without a signature: unsigned
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-16T09:00:00Z', 'enforce');
    writeFileSync(file, `${readFileSync(file, 'utf8')}  - {member: sam, at: 2025-10-16T10:00:00Z}\n`);
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-16T10:00:00Z', 'sam approves');
    const statuses = JSON.parse(covenant(['verify', dir, '--format', 'json']).stdout).approvals.map(
      (a: { member: string; status: string }) => `${a.member} ${a.status}`,
    );
    expect(statuses).toEqual(['ana wrong-key', 'sam unsigned']);
  });

  it('with members, governance names must be members or roles they hold', () => {
    const { dir } = withMembers();
    const master = path.join(dir, MASTER);
    writeFileSync(master, readFileSync(master, 'utf8').replace('owner: steering_committee', 'owner: legal_team'));
    const v = covenant(['validate', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('error unknown-party owner legal_team is no member and no role a member holds');
  });
});

describe('redline: changes since the last approved version', () => {
  it('fieldChanges compares by structure: keys, list items by identity, values of plain lists', async () => {
    const { fieldChanges, describeChange } = await import('../../../core/common/redline.js');
    const before = {
      dates: { start: '2025-10-13', end: '2025-10-24' },
      acceptance_criteria: [{ id: 'AC1', target: '>= 85' }, { id: 'AC2' }],
      links: { changes: ['CR-42'] },
    };
    const after = {
      dates: { start: '2025-10-13', end: '2025-10-28' },
      acceptance_criteria: [{ id: 'AC2' }, { id: 'AC1', target: '>= 90' }, { id: 'AC3' }],
      links: { changes: ['CR-42', 'CR-43'] },
      approvals: [{ member: 'ana' }],
    };
    expect(fieldChanges(before, after).map(describeChange)).toEqual([
      'dates.end: 2025-10-24 → 2025-10-28',
      'acceptance_criteria[AC1].target: >= 85 → >= 90',
      'acceptance_criteria[AC3]: added {"id":"AC3"}',
      'links.changes[]: added CR-43',
    ]);
    expect(fieldChanges(before, before)).toEqual([]);
  });

  it('covenant redline and the SOW PDF list what changed since the approval, in contract words', async () => {
    const { dir, ana } = withMembers();
    const sow = 'contracts/sow/SPRINT-07.yaml';
    expect(covenant(['redline', sow, dir]).stdout).toBe(`${sow} has no approved version yet (no commit of it is signed with a member key).\n`);
    expect(covenant(['approve', 'SPRINT-07', dir, '--as', 'ana', '--key', ana.file]).code).toBe(0);
    const file = path.join(dir, sow);
    writeFileSync(file, readFileSync(file, 'utf8').replace('end: 2025-10-24', 'end: 2025-10-28'));
    const r = covenant(['redline', sow, dir]);
    expect(r.stdout).toMatch(
      /^contracts\/sow\/SPRINT-07.yaml since it was approved by Ana Client on \d{4}-\d\d-\d\d \([0-9a-f]{7}\):\n {2}dates.end: 2025-10-24 → 2025-10-28\n$/,
    );
    const out = path.join(tempDir(), 'sow.pdf');
    expect(covenant(['export-pdf', dir, '--sow', 'SPRINT-07', '--out', out]).code).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Changes since the last approved version');
    expect(text).toContain('dates.end 2025-10-24 → 2025-10-28');
  });
});
