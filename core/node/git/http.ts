/**
 * The smart-HTTP checks transport.ts makes: the server's list of refs (GET info/refs) must be a whole pkt-line stream,
 * every length right and ending with its flush packet. A list cut short (a dropped connection, a proxy's limit) was
 * taken for an empty repository: a clone exited 0 with nothing, a pull said "Already up to date".
 */
import type { GitHttpResponse } from 'isomorphic-git';

/** Whether `bytes` is a complete smart-HTTP ref advertisement: pkt-lines to the end, the last one a flush (0000). */
export function wholeAdvertisement(bytes: Uint8Array): boolean {
  let i = 0;
  let flushes = 0;
  let lastFlush = false;
  while (i < bytes.length) {
    if (i + 4 > bytes.length) return false;
    const len = Number.parseInt(Buffer.from(bytes.subarray(i, i + 4)).toString('latin1'), 16);
    if (!Number.isInteger(len) || (len > 0 && len < 4)) return false;
    if (len === 0) {
      flushes++;
      lastFlush = true;
      i += 4;
      continue;
    }
    if (i + len > bytes.length) return false;
    lastFlush = false;
    i += len;
  }
  return lastFlush && flushes >= 1;
}

/** A response body, whole. */
export async function collect(body: GitHttpResponse['body']): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of body ?? []) parts.push(c);
  return Buffer.concat(parts);
}
