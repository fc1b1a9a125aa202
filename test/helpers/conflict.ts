import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { covenantAsync as covenant, IDENTITY } from './cli.js';
import { sysgit } from './git.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';

/**
 * A pull that waits on a settled conflict: both clones change the example SOW's end date (theirs pushed first), my
 * pull stops on the conflict (exit 1) and `--take mine` settles it, not continued yet. `mine` is a Covenant clone,
 * `theirs` system git's, of the same server.
 */
export async function settledConflict(theirs: string, mine: string, theirDay: string, myDay: string): Promise<void> {
  const end = (dir: string, day: string) => {
    const f = path.join(dir, SOW);
    writeFileSync(f, readFileSync(f, 'utf8').replace(/end: 20\d\d-\d\d-\d\d/, `end: ${day}`));
  };
  end(theirs, theirDay);
  sysgit(theirs, 'commit', '-qam', `theirs ${theirDay}`);
  sysgit(theirs, 'push', '-q', 'origin', 'main');
  end(mine, myDay);
  sysgit(mine, 'commit', '-qam', `mine ${myDay}`);
  const pulled = await covenant(['pull', mine], undefined, IDENTITY);
  expect(pulled.code, `${myDay}: ${pulled.stderr}`).toBe(1); // the conflict waits
  expect((await covenant(['pull', mine, '--take', 'mine'], undefined, IDENTITY)).code, myDay).toBe(0); // resolved, not continued
}
