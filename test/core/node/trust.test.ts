// Approvals that bind (issue 24, items 2, 3 and 5): a decision is what its signatures make it (all_of / any_of
// co-signing, signed rejections, the last signature sets the status); the members and keys that count are those of
// the master as last approved by its parties (its first commit until then); every output says the same. Repositories
// are made by system git, keys and hand-made signatures by ssh-keygen, and git verify-commit is the referee.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyRefusal, trustRoot, type Member } from '../../../core/common/trust.js';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const MASTER = 'contracts/master_contract.yaml';

type Key = { file: string; pub: string };
function key(name: string): Key {
  const file = path.join(tempDir(), `id_${name}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ') };
}

const member = (id: string, name: string, email: string, roles: string, k: Key, extra = '') =>
  `    - {id: ${id}, name: ${name}, email: ${email}, roles: [${roles}], ssh_key: ${k.pub}${extra}}`;

/** The example with parties, members ana (client) and sam (supplier), and scope and SOWs agreed by both. */
function contract(keys: { ana: Key; sam: Key }): string {
  const dir = exampleCopy();
  const file = path.join(dir, MASTER);
  const text = readFileSync(file, 'utf8')
    .replace(
      '  effective_date: 2025-10-11\n',
      '  effective_date: 2025-10-11\n  parties:\n    - {name: Client Co, role: client}\n    - {name: Supplier Ltd, role: supplier}\n',
    )
    .replace(
      '  decision_rights:\n    - area: scope\n      owner: steering_committee\n      sla_days: 3\n',
      [
        '  members:',
        member('ana', 'Ana Client', 'ana@client.example', 'client, steering_committee', keys.ana),
        member('sam', 'Sam Supplier', 'sam@supplier.example', 'supplier, steering_committee', keys.sam),
        '  decision_rights:',
        '    - {area: scope, owner: steering_committee, sla_days: 3, approvers: {all_of: [client, supplier]}}',
        '    - {area: sow, owner: steering_committee, sla_days: 5, approvers: {all_of: [client, supplier]}}',
        '',
      ].join('\n'),
    );
  expect(text).toContain('approvers: {all_of: [client, supplier]}');
  writeFileSync(file, text);
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
  return dir;
}

const approve = (dir: string, id: string, who: string, k: Key, ...more: string[]) =>
  covenant(['approve', id, dir, '--as', who, '--key', k.file, ...more], undefined, IDENTITY);
const verify = (dir: string) => {
  const r = covenant(['verify', dir, '--format', 'json']);
  return { code: r.code, ...(JSON.parse(r.stdout) as VerifyJson) };
};
type VerifyJson = {
  trust: { basis: string; label: string };
  documents: { id: string; words: string }[];
  approvals: { file: string; member: string; status: string; message: string }[];
  findings: { file: string; code: string; message: string }[];
};
const words = (v: VerifyJson, id: string) => v.documents.find((d) => d.id === id)?.words;

/** Commits what is staged signed by system git with `k`, authored as `who`, as someone could by hand. */
function signedByHand(dir: string, k: Key, who: string, message: string): string {
  execFileSync('git', ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${k.file}`, 'commit', '-q', '-S', '-m', message], {
    cwd: dir,
    env: { ...process.env, ...IDENTITY, GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: `${who}@example.com`, GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  return sysgit(dir, 'rev-parse', 'HEAD').trim();
}

/** git verify-commit with Covenant's allowed-signers file: the referee. */
function gitVerifies(dir: string, commit: string): boolean {
  const file = path.join(tempDir(), 'allowed_signers');
  expect(covenant(['allowed-signers', dir, '--out', file]).code).toBe(0);
  const r = spawnSync('git', ['-c', `gpg.ssh.allowedSignersFile=${file}`, 'verify-commit', commit], {
    cwd: dir,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  return r.status === 0;
}

function appendApproval(dir: string, file: string, entry: string): void {
  const p = path.join(dir, file);
  const text = readFileSync(p, 'utf8');
  writeFileSync(p, text.includes('approvals:') ? `${text}  - ${entry}\n` : `${text}approvals:\n  - ${entry}\n`);
  sysgit(dir, 'add', file);
}

/** The document view, the dashboard and the SOW's PDF say what verify says, and the PDF names the commit signed. */
async function sameEverywhere(dir: string, expected: string, commit: string): Promise<void> {
  const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
  try {
    await session.open(dir);
    const doc = await session.handlers['document.get']({ path: 'contracts/sow/SPRINT-07.yaml' });
    const section = doc.sections.find((s) => s.title === 'Approvals (from signatures)')!;
    const fields = section.blocks.find((b) => b.type === 'fields') as { rows: { label: string; value: string }[] };
    expect(fields.rows.find((r) => r.label === 'Decision')?.value).toBe(expected);
    const table = section.blocks.find((b) => b.type === 'table') as { rows: string[][] };
    expect(table.rows).toEqual([
      ['Ana Client (ana)', 'client', 'approved', 'holds', expect.stringMatching(new RegExp(`^this version at commit ${commit}, signed 20`))],
    ]);
    const pdf = await session.handlers['pdf.export']({ scope: 'sow', id: 'SPRINT-07' });
    const out = path.join(tempDir(), 'sow.pdf');
    writeFileSync(out, Buffer.from(pdf.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Signatures: ${expected}`);
    expect(text).toContain(`this version at commit ${commit}`);
  } finally {
    await session.close();
  }
}

describe('a decision is what its signatures make it', () => {
  it('"approved" typed without signatures is a finding; a SOW needing client and supplier awaits the supplier, then is approved', async () => {
    const keys = { ana: key('ana'), sam: key('sam') };
    const dir = contract(keys);
    let v = verify(dir);
    expect(v.code).toBe(1); // CR-42 says approved, nobody signed
    expect(v.trust.basis).toBe('first-commit');
    expect(v.findings).toContainEqual(
      expect.objectContaining({
        code: 'decision-unsigned',
        message: expect.stringMatching(/^CR-42 says approved, but nobody has signed \(it needs client and supplier\)/),
      }),
    );
    expect(covenant(['validate', dir, '--today', '2025-10-20']).stdout).toMatch(
      /CR-42\.yaml:\d+:\d+ warning decision-unsigned CR-42 says approved, but nobody/,
    );
    expect(words(v, 'SPRINT-07')).toBe('awaited: client, supplier');

    const a = approve(dir, 'SPRINT-07', 'ana', keys.ana);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      /^Approved SPRINT-07 as client: commit [0-9a-f]{7} signed with ana's key \(contracts\/sow\/SPRINT-07\.yaml\)\. Awaited: supplier\.\n$/,
    );
    expect(words(verify(dir), 'SPRINT-07')).toBe('awaited: supplier (signed by Ana Client (client))');
    await sameEverywhere(dir, 'awaited: supplier (signed by Ana Client (client))', a.stdout.match(/commit ([0-9a-f]{7})/)![1]!);
    expect(approve(dir, 'SPRINT-07', 'sam', keys.sam).stdout).toContain('as supplier');
    v = verify(dir);
    expect(words(v, 'SPRINT-07')).toBe('approved: signed by Ana Client (client) and Sam Supplier (supplier)');
    expect(v.approvals.filter((c) => c.file === 'contracts/sow/SPRINT-07.yaml').map((c) => c.status)).toEqual(['holds', 'holds']);

    // CR-42 signed by both: the typed status and the proof agree, verify holds
    expect(approve(dir, 'CR-42', 'ana', keys.ana).code).toBe(0);
    expect(verify(dir).findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^CR-42 says approved, but it awaits supplier \(signed by Ana Client \(client\)\)/),
    ]);
    expect(approve(dir, 'CR-42', 'sam', keys.sam).code).toBe(0);
    v = verify(dir);
    expect(v).toMatchObject({ code: 0, findings: [] });
    // git agrees about every approval commit
    for (const c of sysgit(dir, 'log', '--format=%H', '--grep=^Approve').trim().split('\n')) expect(gitVerifies(dir, c)).toBe(true);
  });

  it('the last signature sets the status in its own commit; a rejection is signed the same way', () => {
    const keys = { ana: key('ana'), sam: key('sam') };
    const dir = contract(keys);
    const cr = (id: string) =>
      `id: ${id}\nrequestor: ana\nsummary: Another change\ncreated: 2025-10-12\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 2}\ndecision:\n  status: proposed\n`;
    writeFileSync(path.join(dir, 'contracts/changes/CR-43.yaml'), cr('CR-43'));
    writeFileSync(path.join(dir, 'contracts/changes/CR-44.yaml'), cr('CR-44'));
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-10-12T09:00:00Z', 'Propose CR-43 and CR-44');

    expect(approve(dir, 'CR-43', 'ana', keys.ana).stdout).toContain('Awaited: supplier.');
    expect(readFileSync(path.join(dir, 'contracts/changes/CR-43.yaml'), 'utf8')).toContain('status: proposed');
    const last = approve(dir, 'CR-43', 'sam', keys.sam);
    expect(last.stdout).toContain('CR-43 is approved now (decision.status set in that commit).');
    const committed = sysgit(dir, 'show', 'HEAD:contracts/changes/CR-43.yaml');
    expect(committed).toMatch(/status: approved/);
    expect(committed).toMatch(/approvers: \[client, supplier\]/);
    expect(committed).toMatch(/member: sam/);
    expect(sysgit(dir, 'log', '-1', '--format=%s')).toBe('Approve CR-43 as supplier (Sam Supplier): approved\n');

    const no = approve(dir, 'CR-44', 'sam', keys.sam, '--outcome', 'reject');
    expect(no.stdout).toMatch(/^Rejected CR-44 as supplier: commit [0-9a-f]{7} .* CR-44 is rejected now/);
    expect(readFileSync(path.join(dir, 'contracts/changes/CR-44.yaml'), 'utf8')).toMatch(/status: rejected[\s\S]*outcome: rejected/);
    const v = verify(dir);
    expect(words(v, 'CR-44')).toBe('rejected: signed by Sam Supplier (supplier)');
    expect(words(v, 'CR-43')).toBe('approved: signed by Ana Client (client) and Sam Supplier (supplier)');
    // a decided CR takes no further signature
    expect(approve(dir, 'CR-44', 'ana', keys.ana).stderr).toContain('CR-44 is decided already (rejected: signed by Sam Supplier (supplier))');
  });
});

describe('who may sign is itself approved', () => {
  it('a member or key added by an unapproved master commit signs nothing that counts; verify, allowed-signers and git agree', () => {
    const keys = { ana: key('ana'), sam: key('sam') };
    const zoe = key('zoe');
    const mallory = key('mallory');
    const dir = contract(keys);
    // an unsigned commit adds zoe as client and swaps ana's key for mallory's
    const file = path.join(dir, MASTER);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(keys.ana.pub, mallory.pub)
        .replace('  decision_rights:', `${member('zoe', 'Zoe Intruder', 'zoe@example.com', 'client', zoe)}\n  decision_rights:`),
    );
    sysgit(dir, 'commit', '-qam', 'Add a member');
    const validate = covenant(['validate', dir, '--today', '2025-10-20']).stdout;
    expect(validate).toMatch(/master_contract\.yaml:\d+:\d+ warning member-unapproved Member zoe is not in the approved master/);
    expect(validate).toMatch(/warning member-unapproved Ana Client's ssh_key differs from the one in the approved master/);

    // approve refuses zoe by name, and refuses mallory's key for ana
    expect(approve(dir, 'SPRINT-07', 'zoe', zoe).stderr).toContain(
      'Zoe Intruder (zoe) is a member only in the master as saved, added by a change the parties have not approved',
    );
    expect(approve(dir, 'SPRINT-07', 'ana', mallory).stderr).toMatch(
      /That key \(SHA256:[^)]+\) is not Ana Client's: master-2025-10 at [0-9a-f]{7}, its first commit/,
    );

    // signed by hand anyway: verify refuses both, by name
    appendApproval(dir, 'contracts/sow/SPRINT-07.yaml', `{member: zoe, role: client, at: "${new Date().toISOString().slice(0, 19)}Z"}`);
    const byZoe = signedByHand(dir, zoe, 'zoe', 'Approve SPRINT-07 as client');
    appendApproval(dir, 'contracts/sow/SPRINT-07.yaml', `{member: ana, role: client, at: "${new Date().toISOString().slice(0, 19)}Z"}`);
    const byMallory = signedByHand(dir, mallory, 'ana', 'Approve SPRINT-07 as client');
    const v = verify(dir);
    expect(v.code).toBe(1);
    const [z, m] = v.approvals.filter((c) => c.file === 'contracts/sow/SPRINT-07.yaml');
    expect(z).toMatchObject({ member: 'zoe', status: 'not-a-member' });
    expect(z!.message).toMatch(/^Zoe Intruder \(zoe\) is a member only in the master as saved, added by a change the parties have not approved/);
    expect(m).toMatchObject({ member: 'ana', status: 'wrong-key' });
    expect(m!.message).toContain('signed with the key the master as saved gives ana, which master-2025-10 at');
    expect(words(v, 'SPRINT-07')).toBe('awaited: client, supplier');
    // allowed-signers follows the trust root: git refuses both commits too
    const signers = covenant(['allowed-signers', dir]).stdout;
    expect(signers).toContain(keys.ana.pub);
    expect(signers).not.toContain(mallory.pub);
    expect(signers).not.toContain(zoe.pub);
    expect(gitVerifies(dir, byZoe)).toBe(false);
    expect(gitVerifies(dir, byMallory)).toBe(false);
  });

  it('the master approved by both parties is the trust root: a member it adds signs, and a rotated key keeps earlier approvals', () => {
    const keys = { ana: key('ana'), sam: key('sam') };
    const dir = contract(keys);
    expect(approve(dir, 'SPRINT-07', 'ana', keys.ana).code).toBe(0); // signed with ana's first key
    const earlier = sysgit(dir, 'rev-parse', 'HEAD').trim();
    // the master changes: zoe joins as client, ana's key is rotated (the old one retired from tomorrow)
    const ana2 = key('ana2');
    const zoe = key('zoe');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const file = path.join(dir, MASTER);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(`ssh_key: ${keys.ana.pub}}`, `ssh_key: ${ana2.pub}, retired_keys: [{key: ${keys.ana.pub}, from: ${tomorrow}}]}`)
        .replace('  decision_rights:', `${member('zoe', 'Zoe New', 'zoe@client.example', 'client', zoe)}\n  decision_rights:`),
    );
    sysgit(dir, 'commit', '-qam', 'Zoe joins; Ana rotates her key');
    expect(approve(dir, 'SPRINT-07', 'zoe', zoe).code).toBe(2); // not yet: trust on first use
    expect(verify(dir).trust.label).toMatch(/^master-2025-10 at [0-9a-f]{7}, its first commit \(trust on first use/);

    // the parties approve the new master (ana still with the key the trust root holds for her)
    expect(approve(dir, 'master', 'ana', keys.ana).stdout).toMatch(/^Approved master as client: .* Awaited: supplier\.\n$/);
    expect(approve(dir, 'master', 'sam', keys.sam).code).toBe(0);
    const v = verify(dir);
    expect(v.trust).toMatchObject({ basis: 'approved' });
    expect(v.trust.label).toMatch(/^master-2025-10 at [0-9a-f]{7}, approved by Ana Client \(client\) and Sam Supplier \(supplier\) on 20\d\d-/);
    expect(v.findings.filter((f) => f.code === 'member-unapproved')).toEqual([]);
    // ana's approval made with her old key, before its retirement, still holds; git agrees (valid-before)
    expect(v.approvals.find((c) => c.file === 'contracts/sow/SPRINT-07.yaml' && c.member === 'ana')).toMatchObject({ status: 'holds' });
    expect(gitVerifies(dir, earlier)).toBe(true);
    expect(covenant(['allowed-signers', dir]).stdout).toContain(
      `ana@client.example namespaces="git",valid-before="${tomorrow.replace(/-/g, '')}" ${keys.ana.pub}`,
    );
    // zoe, a member of the approved master now, signs for the client
    expect(approve(dir, 'SPRINT-07', 'sam', keys.sam).code).toBe(0);
    expect(words(verify(dir), 'SPRINT-07')).toBe('approved: signed by Ana Client (client) and Sam Supplier (supplier)');
    expect(approve(dir, 'CR-42', 'zoe', zoe).stdout).toMatch(/^Approved CR-42 as client: .* Awaited: supplier\.\n$/);
    // the retired key no longer signs anything new
    expect(approve(dir, 'CR-42', 'ana', keys.ana).stderr).toContain("is not Ana Client's");
  });
});

describe('the trust root, pure', () => {
  const ana = { id: 'ana', name: 'Ana', roles: ['client'], ssh_key: key('ana').pub } as Member;
  it('a retired key holds before its day and not after; a revoked one never', () => {
    const old = key('old').pub;
    const m = { ...ana, retired_keys: [{ key: old, from: '2026-03-01' }] } as Member;
    expect(keyRefusal(m, old, '2026-02-28T23:00:00Z')).toBeNull();
    expect(keyRefusal(m, old, '2026-03-01T00:00:00Z')).toMatchObject({ status: 'retired-key' });
    const revoked = { ...ana, retired_keys: [{ key: old, from: '2026-03-01', revoked: true }] } as Member;
    expect(keyRefusal(revoked, old, '2025-01-01T00:00:00Z')).toMatchObject({ status: 'retired-key', why: expect.stringContaining('revoked') });
    expect(keyRefusal(m, key('other').pub, '2025-01-01T00:00:00Z')).toMatchObject({ status: 'wrong-key' });
  });

  it('a version signed by a member the trusted master does not have is not approved; without commits, the master as saved', () => {
    const master = (members: Member[], approvals: unknown[] = []) => ({
      meta: { id: 'm', parties: [{ name: 'C', role: 'client' }] },
      governance: { members, decision_rights: [] },
      approvals,
    });
    const zoe = { id: 'zoe', name: 'Zoe', roles: ['client'], ssh_key: key('zoe').pub } as Member;
    const v0 = { commit: 'a'.repeat(40), committedAt: '2026-01-01T00:00:00Z', value: master([ana]) };
    // zoe adds herself and signs that version: her key is not the first commit's, so it is not approved
    const v1 = {
      commit: 'b'.repeat(40),
      committedAt: '2026-01-02T00:00:00Z',
      value: master([ana, zoe], [{ member: 'zoe', role: 'client', at: '2026-01-02T00:00:00Z' }]),
      signature: { signature: 'valid' as const, signerKey: zoe.ssh_key! },
    };
    expect(trustRoot([v0, v1], v1.value)).toMatchObject({ basis: 'first-commit', commit: v0.commit });
    // ana signs it: approved
    const v2 = {
      commit: 'c'.repeat(40),
      committedAt: '2026-01-03T00:00:00Z',
      value: master([ana, zoe], [{ member: 'ana', role: 'client', at: '2026-01-03T00:00:00Z' }]),
      signature: { signature: 'valid' as const, signerKey: ana.ssh_key! },
    };
    expect(trustRoot([v0, v1, v2], v2.value)).toMatchObject({ basis: 'approved', commit: v2.commit, approvedBy: [{ member: 'ana', role: 'client' }] });
    expect(trustRoot([], master([zoe]))).toMatchObject({ basis: 'as-saved', members: [zoe] });
  });
});
