import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../common/errors.js';

/** Turning file bytes into text, with a plain message when they are not text. */
export type Decoded = { ok: true; text: string } | { ok: false; message: string };

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

function lineCol(text: string, index: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${index - start + 1}`;
}

export function decodeText(bytes: Uint8Array): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { ok: false, message: 'The file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8.' };
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { ok: false, message: `The file holds binary data (a NUL byte at offset ${nul}); a contract file must be UTF-8 text.` };
  }
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const loose = lenient.decode(bytes);
    const at = loose.indexOf('\uFFFD');
    return { ok: false, message: `The file is not valid UTF-8 text (first bad byte at ${lineCol(loose, Math.max(at, 0))}); save it with UTF-8 encoding.` };
  }
}

/** A file a person named (a report to record, an export to import, a file git hands a merge driver) read as text. */
export async function readTextFile(file: string, maxBytes = 20 * 1024 * 1024): Promise<string> {
  const info = await stat(path.resolve(file)).catch(() => null);
  // a device, a pipe or a folder is refused before reading (reading /dev/zero never ends), and so is a huge file
  if (info && !info.isFile()) throw new CovenantError('invalid-input', `${file} is not a file.`);
  if (info && info.size > maxBytes) throw new CovenantError('invalid-input', `${file} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
  const bytes = await readFile(path.resolve(file)).catch((e: NodeJS.ErrnoException) => {
    throw new CovenantError('not-found', e.code === 'ENOENT' ? `There is no file ${file}.` : `Cannot read ${file} (${e.code ?? e.message}).`);
  });
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new CovenantError('invalid-input', `${file}: ${decoded.message}`);
  return decoded.text;
}
