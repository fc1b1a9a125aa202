import { describe, expect, it } from 'vitest';
import { resolveRefPath } from '../../../core/common/paths.js';

describe('resolveRefPath', () => {
  it.each([
    ['test_reports/usability.md', 'test_reports/usability.md'],
    ['./analytics//exp_123.csv', 'analytics/exp_123.csv'],
    ['docs/../analytics/exp.csv', 'analytics/exp.csv'],
    ['docs\\adr\\ADR-0007.md', 'docs/adr/ADR-0007.md'],
    ['reports/Zoë München 東京.md', 'reports/Zoë München 東京.md'],
  ])('%s resolves inside the workspace to %s', (raw, expected) => {
    expect(resolveRefPath(raw)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['', 'empty'],
    ['..', 'outside'],
    ['../ws-evil/file.md', 'outside'],
    ['a/../../b', 'outside'],
    ['.', 'outside'],
    ['/etc/passwd', 'absolute'],
    ['\\\\server\\share\\f.md', 'absolute'],
    ['C:\\Users\\x.md', 'absolute'],
    ['c:/x.md', 'absolute'],
    ['~/notes.md', 'absolute'],
    ['file:///etc/passwd', 'url'],
    ['https://example.com/x', 'url'],
    ['javascript:alert(1)', 'url'],
    ['a\0b', 'nul'],
    ['.git/config', 'git-dir'],
    ['docs/../.GIT/HEAD', 'git-dir'],
  ])('%j is refused as %s', (raw, reason) => {
    expect(resolveRefPath(raw)).toEqual({ ok: false, reason });
  });
});
