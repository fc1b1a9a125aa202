// covenant export-index: what each DAG node must satisfy, for workflow validators (issue 14, item 5).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import indexSchema from '../../../schemas/workflow-index.schema.json';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

describe('the workflow index', () => {
  it('maps every DAG node to its SOW, gates (module, check, status from results) and criteria; it validates against its schema', () => {
    const dir = exampleCopy();
    const junit = path.join(tempDir(), 'j.xml');
    writeFileSync(junit, '<testsuite><testcase classname="a" name="b"><failure/></testcase></testsuite>');
    expect(covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', junit, '--node', 'ab_test_setup'], dir, IDENTITY).code).toBe(0);
    const out = path.join(tempDir(), 'index.json');
    const r = covenant(['export-index', dir, '--out', out]);
    expect(r.code).toBe(0);
    const index = JSON.parse(readFileSync(out, 'utf8'));
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(indexSchema);
    expect(validate(index), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(index.nodes).sort()).toEqual(['ab_test_setup', 'onboarding_redesign']);
    const node = index.nodes.onboarding_redesign;
    expect(node.contract_ref).toBe('contracts/sow/SPRINT-07.yaml');
    expect(node.gates).toEqual([
      {
        name: 'design_review',
        validator: 'phase_gate_validator:design',
        module: 'phase_gate_validator',
        check: 'design',
        status: 'passed',
        result: expect.stringMatching(/^contracts\/results\/SPRINT-07\/design_review--/),
      },
      {
        name: 'qa_signoff',
        validator: 'validation_utils:functional_suite',
        module: 'validation_utils',
        check: 'functional_suite',
        status: 'failed',
        result: expect.stringMatching(/qa_signoff--/),
      },
    ]);
    expect(node.criteria.map((c: { id: string; evidencePresent: boolean }) => [c.id, c.evidencePresent])).toEqual([
      ['AC1', true],
      ['AC2', true],
    ]);
    expect(index.source).toEqual({ commit: null, uncommitted: false });
    expect(index.enforcement).toBe('report');
  });

  it('a DAG node claimed by two SOWs, or a result naming a node its SOW does not claim, is a diagnostic', () => {
    const dir = exampleCopy();
    const sow = readFileSync(path.join(dir, 'contracts/sow/SPRINT-07.yaml'), 'utf8')
      .replace('id: SPRINT-07', 'id: SPRINT-08')
      .replace('changes: [CR-42]', 'changes: []');
    writeFileSync(
      path.join(dir, 'contracts/sow/SPRINT-08.yaml'),
      sow.replace('dates: {start: 2025-10-13, end: 2025-10-24}', 'dates: {start: 2025-10-27, end: 2025-11-07}'),
    );
    writeFileSync(
      path.join(dir, 'contracts/results/SPRINT-07/qa_signoff--20251020T100000Z.yaml'),
      'sow: SPRINT-07\nnode: checkout_flow\ngate: qa_signoff\noutcome: passed\nsource: {kind: hand}\nrecorded: {at: 2025-10-20T10:00:00Z}\n',
    );
    const out = covenant(['validate', dir]).stdout;
    expect(out).toMatch(/contracts\/sow\/SPRINT-08\.yaml:\d+:\d+ error dag-node-conflict DAG node onboarding_redesign is already claimed by SPRINT-07/);
    expect(out).toMatch(/qa_signoff--20251020T100000Z\.yaml:2:7 error unknown-reference node checkout_flow is not one of SPRINT-07's DAG nodes/);
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--result', 'passed', '--node', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SPRINT-07 claims no DAG node nowhere; its nodes are onboarding_redesign, ab_test_setup.');
  });
});
