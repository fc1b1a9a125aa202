/**
 * Which SSH keys may sign a contract: Ed25519, ECDSA (NIST P-256, P-384, P-521) and RSA of 2048 bits or more, as
 * current OpenSSH and git expect. Read from the public key line alone (pure TypeScript: the rules, the app and the
 * signer share it), so a weak key is refused everywhere a key is read.
 */

const ACCEPTED = 'Ed25519, ECDSA or RSA of 2048 bits and more';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean)) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (const ch of clean) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** The SSH wire strings of a key blob (type, then the key's numbers), or null when it is not one. */
function strings(blob: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) return null;
    const len = ((blob[at]! << 24) | (blob[at + 1]! << 16) | (blob[at + 2]! << 8) | blob[at + 3]!) >>> 0;
    if (at + 4 + len > blob.length) return null;
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/** How many bits a big-endian unsigned number holds (an mpint's leading zero bytes not counted). */
function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/** Why an OpenSSH public key line ("ssh-ed25519 AAAA... comment") may not sign a contract, or null when it may. */
export function sshKeyProblem(line: string): string | null {
  const [type, data] = line.trim().split(/\s+/);
  const blob = data ? base64(data) : null;
  const parts = blob ? strings(blob) : null;
  if (!type || !parts?.length) return 'it is not an SSH public key ("ssh-ed25519 AAAA...", as in a .pub file)';
  const inner = new TextDecoder().decode(parts[0]);
  if (inner !== type) return `it says ${type} but holds a ${inner} key`;
  if (type === 'ssh-ed25519') return parts[1]?.length === 32 ? null : 'its Ed25519 key is not 32 bytes';
  if (/^ecdsa-sha2-nistp(256|384|521)$/.test(type)) return null;
  if (type === 'ssh-rsa') {
    const bits = parts[2] ? bitLength(parts[2]) : 0;
    return bits >= 2048 ? null : `an RSA key of ${bits} bits is too weak to sign a contract (${ACCEPTED})`;
  }
  return `the key type ${type} is not accepted (${ACCEPTED})`;
}
