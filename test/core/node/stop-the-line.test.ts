// Stop-the-line raisings checked and enforced (issue 14, item 9, the stop-the-line part).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant } from '../../helpers/cli.js';
import { exampleCopy } from '../../helpers/tmp.js';

function withRaised(raised: string, enforce = false): string {
  const dir = exampleCopy();
  const p = path.join(dir, 'contracts/master_contract.yaml');
  let text = readFileSync(p, 'utf8').replace(
    '  stop_the_line_triggers: [security_blocker, prod_instability]',
    `  stop_the_line_triggers: [security_blocker, prod_instability]\n  raised:\n${raised}`,
  );
  if (enforce) text = text.replace('risk_policy:', 'enforcement: {mode: enforce}\nrisk_policy:');
  writeFileSync(p, text);
  return dir;
}
const metric = (dir: string, name: string) => new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(covenant(['metrics', dir]).stdout)?.[1];

describe('stop-the-line', () => {
  it('a raising must name a trigger of the master and an existing SOW, and be resolved after it was raised', () => {
    const dir = withRaised('    - {trigger: coffee_machine_down, date: 2025-10-20, sow: SPRINT-99, resolved: 2025-10-19}\n');
    const out = covenant(['validate', dir]).stdout;
    expect(out).toContain(
      'error unknown-reference coffee_machine_down is not a stop-the-line trigger of this contract; risk_policy.stop_the_line_triggers names security_blocker or prod_instability.',
    );
    expect(out).toContain('error unknown-reference sow names SPRINT-99, but there is no SOW with that id.');
    expect(out).toContain('error date-order resolved (2025-10-19) is before the date it was raised (2025-10-20).');
  });

  it('an open raising is a finding; under enforcement it fails the SOW\u2019s gates until it is resolved', () => {
    let dir = withRaised('    - {trigger: security_blocker, date: 2025-10-20, sow: SPRINT-07}\n');
    let r = covenant(['validate', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /master_contract\.yaml:\d+:\d+ warning stop-the-line-open Stop-the-line security_blocker raised 2025-10-20 against SPRINT-07 is open/,
    );
    expect(metric(dir, 'covenant_stop_the_line_open')).toBe('1');
    // report mode: the gates are as their results say (design_review passed, qa_signoff not run: 1 of 2)
    expect(metric(dir, 'covenant_gate_pass_ratio')).toBe('0.5');

    dir = withRaised('    - {trigger: security_blocker, date: 2025-10-20, sow: SPRINT-07}\n', true);
    r = covenant(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "error stop-the-line-open Stop-the-line security_blocker raised 2025-10-20 against SPRINT-07 is open: work stops until it is resolved (set resolved: to the date); SPRINT-07's gates fail meanwhile.",
    );
    expect(metric(dir, 'covenant_gate_pass_ratio')).toBe('0');

    dir = withRaised('    - {trigger: security_blocker, date: 2025-10-20, sow: SPRINT-07, resolved: 2025-10-22}\n', true);
    // as of the day it was resolved (later, the gate that never ran is missing: an error under enforcement)
    expect(covenant(['validate', dir, '--today', '2025-10-22']).code).toBe(0);
    expect(metric(dir, 'covenant_stop_the_line_open')).toBe('0');
    expect(metric(dir, 'covenant_gate_pass_ratio')).toBe('0.5');
  });
});
