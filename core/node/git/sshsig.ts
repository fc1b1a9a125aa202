/**
 * SSH signatures (OpenSSH's SSHSIG format, PROTOCOL.sshsig) in pure JS, as `git commit -S` with gpg.format=ssh makes
 * them and `git verify-commit` checks them: sshpk reads OpenSSH key files (also passphrase-protected ones, whose
 * bcrypt KDF it implements), node:crypto signs and verifies. No ssh-keygen is needed; the key is read, never stored.
 */
import { sshKeyProblem } from '../../common/ssh-key.js';
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import sshpk from 'sshpk';
import { CovenantError } from '../../common/errors.js';

const MAGIC = Buffer.from('SSHSIG');
const HASH = 'sha512';

/** SSH wire-format string: uint32 length, then the bytes. */
function sshString(b: Buffer | string): Buffer {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error('truncated');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  get done(): boolean {
    return this.at === this.buf.length;
  }
}

const b64url = (b: Buffer) => b.toString('base64url');
/** sshpk keeps ed25519 keys as raw parts (its PKCS#8 form is not one OpenSSL reads): they go to node:crypto as JWK. */
function part(key: sshpk.Key | sshpk.PrivateKey, name: string): Buffer {
  const p = (key as unknown as { part: Record<string, { data: Buffer }> }).part[name];
  if (!p) throw new Error(`the key has no ${name}`);
  // sshpk may keep a leading zero on fixed-size values
  return p.data.length === 33 && p.data[0] === 0 ? p.data.subarray(1) : p.data;
}

function toPrivateKeyObject(key: sshpk.PrivateKey): KeyObject {
  if (key.type === 'ed25519') {
    const seed = part(key, 'k').subarray(0, 32);
    return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(part(key, 'A')) }, format: 'jwk' });
  }
  return createPrivateKey({ key: key.toBuffer('pkcs8', {}), format: 'pem' });
}

function toPublicKeyObject(key: sshpk.Key): KeyObject {
  if (key.type === 'ed25519') return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(part(key, 'A')) }, format: 'jwk' });
  return createPublicKey({ key: key.toBuffer('pkcs8', {}), format: 'pem' });
}

/** A private key ready to sign: its public half as an OpenSSH line and as the SSH wire blob. */
export interface SshSigner {
  /** "ssh-ed25519 AAAA..." (no comment). */
  publicKey: string;
  /** SHA256:... as ssh-keygen -l prints it. */
  fingerprint: string;
  sign(data: Buffer): Buffer;
}

/** The signature blob of one algorithm: what sits in the SSHSIG's signature field. */
function signatureBlob(type: string, key: KeyObject, data: Buffer): Buffer {
  if (type === 'ed25519') return Buffer.concat([sshString('ssh-ed25519'), sshString(cryptoSign(null, data, key))]);
  if (type === 'rsa') return Buffer.concat([sshString('rsa-sha2-512'), sshString(cryptoSign('sha512', data, key))]);
  if (type === 'ecdsa') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const [name, hash, size] =
      curve === 'prime256v1' ? ['nistp256', 'sha256', 32] : curve === 'secp384r1' ? ['nistp384', 'sha384', 48] : ['nistp521', 'sha512', 66];
    const raw = cryptoSign(hash as string, data, { key, dsaEncoding: 'ieee-p1363' });
    const mpint = (b: Buffer) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      const v = b.subarray(i);
      return sshString(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
    };
    const n = size as number;
    return Buffer.concat([sshString(`ecdsa-sha2-${name}`), sshString(Buffer.concat([mpint(raw.subarray(0, n)), mpint(raw.subarray(n))]))]);
  }
  throw new CovenantError('invalid-input', `Keys of type ${type} cannot sign here; use an ed25519, RSA or ECDSA key.`);
}

/**
 * Reads an OpenSSH (or PEM) private key file's text. A protected key needs its passphrase; a wrong one is a clear
 * message, never a stack trace.
 */
export function loadSigner(text: string, passphrase?: string, file = 'the key file'): SshSigner {
  let key: sshpk.PrivateKey;
  try {
    key = sshpk.parsePrivateKey(Buffer.from(text), 'auto', passphrase ? { passphrase } : undefined);
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'KeyEncryptedError')
      throw new CovenantError('invalid-input', `${file} is protected by a passphrase; give it (--passphrase-env VAR, or type it in the app).`, {
        reason: 'passphrase',
      });
    if (/decrypt|passphrase|bad/i.test((e as Error).message) && passphrase)
      throw new CovenantError('invalid-input', `The passphrase does not open ${file}.`, { reason: 'passphrase' });
    throw new CovenantError('invalid-input', `${file} is not an SSH private key (${(e as Error).message}).`);
  }
  const pub = key.toPublic();
  const weak = sshKeyProblem(pub.toString('ssh'));
  if (weak) throw new CovenantError('invalid-input', `${file} cannot sign a contract: ${weak}.`);
  const node = toPrivateKeyObject(key);
  const type = key.type;
  return {
    publicKey: publicLine(pub.toString('ssh')),
    fingerprint: pub.fingerprint('sha256').toString(),
    sign: (data) => signatureBlob(type, node, data),
  };
}

/** "ssh-ed25519 AAAA... comment" -> "ssh-ed25519 AAAA..." (the part that identifies the key). */
export function publicLine(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** An OpenSSH public key line, checked: its type and base64 blob, or why it is not one. */
export function parsePublicKey(line: string): { ok: true; line: string; fingerprint: string } | { ok: false; reason: string } {
  try {
    const key = sshpk.parseKey(line.trim(), 'ssh');
    const weak = sshKeyProblem(key.toString('ssh'));
    if (weak) return { ok: false, reason: weak };
    return { ok: true, line: publicLine(key.toString('ssh')), fingerprint: key.fingerprint('sha256').toString() };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** The data an SSHSIG signs: the preamble, namespace, hash algorithm and the message's hash. */
function signedData(message: Buffer, namespace: string): Buffer {
  const digest = createHash(HASH).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(HASH), sshString(digest)]);
}

/** An armored SSHSIG of `message` (namespace "git" for commits), as git stores it in a commit's gpgsig header. */
export function sshsig(message: Buffer, signer: SshSigner, namespace = 'git'): string {
  const blob = Buffer.from(signer.publicKey.split(' ')[1]!, 'base64');
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const body = Buffer.concat([
    MAGIC,
    version,
    sshString(blob),
    sshString(namespace),
    sshString(''),
    sshString(HASH),
    sshString(signer.sign(signedData(message, namespace))),
  ]);
  const b64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN SSH SIGNATURE-----\n${b64}-----END SSH SIGNATURE-----\n`;
}

export type SshsigCheck = { ok: true; publicKey: string; fingerprint: string } | { ok: false; reason: string };

/** Checks an armored SSHSIG over `message`: well-formed, the namespace, and the signature by the key it carries. */
export function verifySshsig(message: Buffer, armored: string, namespace = 'git'): SshsigCheck {
  const m = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(armored);
  if (!m) return { ok: false, reason: 'not an SSH signature' };
  try {
    const r = new Reader(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
    if (!r.bytes(6).equals(MAGIC)) return { ok: false, reason: 'not an SSHSIG' };
    if (r.uint32() !== 1) return { ok: false, reason: 'an SSHSIG version this does not read' };
    const keyBlob = r.string();
    const ns = r.string().toString();
    r.string(); // reserved
    const hash = r.string().toString();
    const sig = new Reader(r.string());
    if (ns !== namespace) return { ok: false, reason: `signed for namespace ${ns}, not ${namespace}` };
    if (hash !== 'sha512' && hash !== 'sha256') return { ok: false, reason: `hash ${hash} is not sha256 or sha512` };
    const pub = sshpk.parseKey(keyBlob, 'rfc4253');
    // a signature by a key too weak to sign (RSA under 2048 bits, DSA) is refused, as git refuses it
    const weak = sshKeyProblem(pub.toString('ssh'));
    if (weak) return { ok: false, reason: `signed with a key that cannot sign: ${weak}` };
    const node = toPublicKeyObject(pub);
    const digest = createHash(hash).update(message).digest();
    const data = Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hash), sshString(digest)]);
    const alg = sig.string().toString();
    const raw = sig.string();
    let good: boolean;
    if (alg === 'ssh-ed25519') good = cryptoVerify(null, data, node, raw);
    else if (alg === 'rsa-sha2-512' || alg === 'rsa-sha2-256') good = cryptoVerify(alg.endsWith('512') ? 'sha512' : 'sha256', data, node, raw);
    else if (alg.startsWith('ecdsa-sha2-')) {
      const rr = new Reader(raw);
      const size = alg.endsWith('256') ? 32 : alg.endsWith('384') ? 48 : 66;
      const fix = (b: Buffer) => Buffer.concat([Buffer.alloc(Math.max(0, size - b.length)), b.subarray(Math.max(0, b.length - size))]);
      const p1363 = Buffer.concat([fix(rr.string()), fix(rr.string())]);
      good = cryptoVerify(alg.endsWith('256') ? 'sha256' : alg.endsWith('384') ? 'sha384' : 'sha512', data, { key: node, dsaEncoding: 'ieee-p1363' }, p1363);
    } else return { ok: false, reason: `signature algorithm ${alg} is not read here` };
    if (!good) return { ok: false, reason: 'the signature does not match the signed content' };
    return { ok: true, publicKey: publicLine(pub.toString('ssh')), fingerprint: pub.fingerprint('sha256').toString() };
  } catch (e) {
    return { ok: false, reason: `malformed signature (${(e as Error).message})` };
  }
}

/**
 * A commit object's signature and the payload it signs: the raw object without its gpgsig header (isomorphic-git's
 * readCommit().payload is not that for SSH signatures, so it is rebuilt from the raw text).
 */
export function splitSignedCommit(raw: string): { payload: string; signature: string | null } {
  const headerEnd = raw.indexOf('\n\n');
  const head = headerEnd === -1 ? raw : raw.slice(0, headerEnd);
  const rest = headerEnd === -1 ? '' : raw.slice(headerEnd);
  const lines = head.split('\n');
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  for (const line of lines) {
    if (line.startsWith('gpgsig ')) {
      inSig = true;
      sig.push(line.slice(7));
    } else if (inSig && line.startsWith(' ')) sig.push(line.slice(1));
    else {
      inSig = false;
      kept.push(line);
    }
  }
  return { payload: kept.join('\n') + rest, signature: sig.length ? `${sig.join('\n')}\n` : null };
}
