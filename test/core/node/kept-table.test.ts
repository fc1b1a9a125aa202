// The kept tables behind the commit index (issue 26, item 3: written incrementally): a commit appends a line, the
// journal is folded into the base when it has grown, a line a kill cut short is skipped and never swallows the next.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeptTable } from '../../../core/node/git/kept-table.js';
import { tempDir } from '../../helpers/tmp.js';

const isRow = (r: unknown): r is { n: number } => !!r && typeof (r as { n: unknown }).n === 'number';
const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean);

describe('a table kept by appending', () => {
  it('appends, folds, skips a torn line, and reads back what a fresh load of everything gives', async () => {
    const file = path.join(tempDir(), 'covenant', 'rows');
    let t = await KeptTable.load(file, 1, isRow);
    for (let i = 0; i < 3; i++) t.set(`k${i}`, { n: i });
    await t.save();
    expect(lines(`${file}.log`)).toHaveLength(3); // small: journalled, no base written
    t = await KeptTable.load(file, 1, isRow);
    for (let i = 3; i < 2600; i++) t.set(`k${i}`, { n: i });
    await t.save();
    expect(readFileSync(`${file}.log`, 'utf8')).toBe(''); // grown past 2,000 lines: folded into the base
    expect(Object.keys((JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { rows: object }).rows)).toHaveLength(2600);
    t = await KeptTable.load(file, 1, isRow);
    t.set('one more', { n: -1 });
    await t.save();
    expect(lines(`${file}.log`)).toHaveLength(1); // one new row, one line: the base is not written again
    appendFileSync(`${file}.log`, '[1,"torn",{"n":'); // a kill in the middle of an append
    t = await KeptTable.load(file, 1, isRow);
    expect(t.get('torn')).toBeUndefined();
    t.set('after', { n: 7 });
    await t.save();
    t = await KeptTable.load(file, 1, isRow);
    expect(t.get('after')).toEqual({ n: 7 });
    expect(t.get('one more')).toEqual({ n: -1 });
    expect(t.rows.size).toBe(2602);
    // another version's rows, or a damaged base: not read (rebuilt as rows are computed)
    writeFileSync(`${file}.json`, '{ damaged');
    expect((await KeptTable.load(file, 1, isRow)).rows.size).toBe(2);
    expect((await KeptTable.load(file, 2, isRow)).rows.size).toBe(0);
  });
});
