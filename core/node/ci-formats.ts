/**
 * `covenant validate` for CI systems: SARIF 2.1.0 (code scanning), JUnit XML (test report views) and GitHub
 * workflow commands (annotations on the pull request). Each says which files it checked and where each problem is.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Diagnostic } from '../common/diagnostics.js';

export interface CiInput {
  /** Workspace-relative paths of the contract files checked. */
  files: string[];
  diagnostics: Diagnostic[];
  /** report or enforce: whether compliance findings are errors. */
  mode: 'report' | 'enforce';
  version: string;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0: one run, a rule per diagnostic code, a result per diagnostic with its region (1-based, end exclusive as SARIF's). */
export function toSarif(input: CiInput): string {
  const codes = [...new Set(input.diagnostics.map((d) => d.code))].sort();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Covenant',
            version: input.version,
            informationUri: 'https://github.com/covenant-contracts/covenant',
            rules: codes.map((code) => ({ id: code, name: code, shortDescription: { text: `Covenant rule ${code}` } })),
          },
        },
        originalUriBaseIds: { WORKSPACE: { description: { text: 'The workspace folder validated.' } } },
        artifacts: input.files.map((f) => ({ location: { uri: f, uriBaseId: 'WORKSPACE' } })),
        properties: { enforcement: input.mode },
        results: input.diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: SARIF_LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file, uriBaseId: 'WORKSPACE' },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** JUnit XML: a test case per contract file checked, and one failure per error (warnings are kept as system-out). */
export function toJunit(input: CiInput): string {
  const errors = input.diagnostics.filter((d) => d.severity === 'error');
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of input.diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const files = [...new Set([...input.files, ...byFile.keys()])].sort();
  const cases: unknown[] = [];
  for (const file of files) {
    const mine = byFile.get(file) ?? [];
    const errs = mine.filter((d) => d.severity === 'error');
    const others = mine.filter((d) => d.severity !== 'error');
    const out = others.length ? { 'system-out': others.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`).join('\n') } : {};
    if (errs.length === 0) cases.push({ '@_classname': 'covenant.validate', '@_name': file, ...out });
    for (const d of errs)
      cases.push({
        '@_classname': `covenant.validate.${file}`,
        '@_name': `${d.code} at ${file}:${d.line}:${d.column}`,
        failure: { '@_message': d.message, '@_type': d.code, '#text': `${file}:${d.line}:${d.column} ${d.message}` },
      });
  }
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'covenant validate',
      '@_tests': cases.length,
      '@_failures': errors.length,
      testsuite: { '@_name': `covenant validate (${input.mode} mode)`, '@_tests': cases.length, '@_failures': errors.length, '@_errors': 0, testcase: cases },
    },
  };
  return `${new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, processEntities: true }).build(doc)}`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: ::error / ::warning / ::notice with file, line and column, one per diagnostic. */
export function toGithub(input: CiInput): string {
  const kind = { error: 'error', warning: 'warning', info: 'notice' } as const;
  return input.diagnostics
    .map(
      (d) =>
        `::${kind[d.severity]} file=${escapeProperty(d.file)},line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn},title=${escapeProperty(`covenant ${d.code}`)}::${escapeData(d.message)}\n`,
    )
    .join('');
}

/** The CI format asked for: SARIF 2.1.0, JUnit XML or GitHub workflow commands. */
export function toCi(format: 'sarif' | 'junit' | 'github', input: CiInput): string {
  return format === 'sarif' ? toSarif(input) : format === 'junit' ? toJunit(input) : toGithub(input);
}
