import { parse } from 'yaml';
import { sectionsOf, type ContractDocument, type DocSection, type DocStatus } from '../common/document.js';
import { APPROVAL_COLUMNS, approvalRows, approvalState } from '../common/approvals.js';
import { CovenantError } from '../common/errors.js';
import { verdictInWords } from '../common/format.js';
import { balanceInWords, formatMoney, shareInWords, SIGN_LEGEND, varianceInWords } from '../common/ledger.js';
import { classifyPath } from '../common/model/kinds.js';
import { SCHEMAS } from '../common/schemas.js';
import type { Snapshot } from '../common/workspace.js';

type Money = (minor: number) => string;

/**
 * The document view of one contract file of a snapshot: the schema's titles over the file's values, and for a SOW or a
 * change request the evidence behind each status. A file that fails its schema is still shown, as written, and says so.
 */
export function contractDocument(snap: Snapshot, path: string, shows: string): ContractDocument {
  const kind = classifyPath(path);
  const text = snap.text(path);
  if (text === null) throw new CovenantError('not-found', `There is no file ${path} in this workspace.`);
  if (!kind || kind === 'adr') throw new CovenantError('invalid-input', `${path} is not a contract YAML file; it has no document view.`);
  const schema = SCHEMAS[kind] as Record<string, unknown>;
  const model = snap.model;
  const figures = snap.figures();
  const leftOut = model.leftOut.find((l) => l.path === path);
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    data = null;
  }
  const doc: ContractDocument = { path, title: path, subtitle: String(schema.title ?? kind), sections: [], shows };
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    doc.sections.push({
      title: 'Cannot be shown',
      blocks: [
        {
          type: 'note',
          tone: 'warn',
          text: `${path} is not a YAML map${leftOut ? `: ${leftOut.reason} (line ${leftOut.line})` : ''}. Open the YAML to fix it.`,
        },
      ],
    });
    return doc;
  }
  const map = data as Record<string, unknown>;
  const warn: DocSection[] = leftOut
    ? [
        {
          title: 'Not checked',
          blocks: [
            {
              type: 'note',
              tone: 'warn',
              text: `Line ${leftOut.line}: ${leftOut.reason}. This file is left out of the figures until it is fixed; it is shown as written.`,
            },
          ],
        },
      ]
    : [];
  const money = figures.ledger ? (minor: number) => formatMoney(minor, figures.ledger!.currency, 'en-GB') : null;

  if (kind === 'sow' && !leftOut) return sowDocument(doc, snap, schema, map, money);
  if (kind === 'cr' && !leftOut) return crDocument(doc, snap, schema, map);

  if (kind === 'ledger' && !leftOut && figures.ledger && money) {
    doc.title = 'Incentive ledger';
    doc.subtitle = figures.ledger.explanation;
    doc.sections = [
      {
        title: 'Periods',
        hint: SIGN_LEGEND,
        blocks: [
          {
            type: 'table',
            columns: ['Period', 'Target', 'Actual', 'Outcome', 'Who bears or earns it', "Supplier's net so far"],
            rows: figures.ledger.rows.map((r) => [
              r.period,
              money(r.target),
              money(r.actual),
              varianceInWords(r.variance, money),
              shareInWords(r, money),
              balanceInWords(r.supplierBalance, money),
            ]),
          },
        ],
      },
    ];
    return doc;
  }

  if (kind === 'master' && !leftOut && model.master) {
    const meta = model.master.data.meta;
    doc.title = meta.title ?? meta.id;
    doc.subtitle = `Master contract ${meta.id} · effective ${meta.effective_date}`;
    doc.sections = [...warn, ...sectionsOf(schema, map, { approvals: null }), approvalSection(snap, model.master, null)];
    return doc;
  }
  doc.sections = [...warn, ...sectionsOf(schema, map)];
  return doc;
}

/** A SOW: its criteria checked, its gates from results, its linked changes and its ledger line (as the figures have them). */
function sowDocument(
  doc: ContractDocument,
  snap: Snapshot,
  schema: Record<string, unknown>,
  map: Record<string, unknown>,
  money: Money | null,
): ContractDocument {
  const model = snap.model;
  const figures = snap.figures();
  const path = doc.path;
  const sow = model.sows.find((s) => s.path === path)!;
  // the figures' own checks and gates: the same day, the same evidence as the dashboard and the PDF
  const shown = figures.compliance.sows.find((s) => s.path === path);
  const checks = shown?.criterionChecks ?? [];
  const gates = shown?.gates ?? [];
  doc.title = `${sow.id}${sow.data.title ? ` — ${sow.data.title}` : ''}`;
  doc.subtitle = `Iteration SOW · ${sow.data.dates.start} to ${sow.data.dates.end}`;
  const criteria: DocSection = {
    title: 'Acceptance criteria',
    hint: 'Met or unmet by a measured value against the target, and met only with its evidence file there; unverified when only typed, when the target cannot be read or the evidence is missing; pending until a value exists.',
    blocks: [
      {
        type: 'checks',
        items: sow.data.acceptance_criteria.map((c, i) => {
          const check = checks[i]!;
          return {
            label: c.id,
            text: c.description,
            status: check.status as DocStatus,
            detail: check.unreadable
              ? `the target cannot be read (${check.unreadable === 'target' ? `target: ${String(c.target)}` : 'the description states more than one comparison'})`
              : check.value !== null && check.target !== null
                ? `${check.value} against ${check.target} (${check.source})${check.status === 'unverified' ? `; the evidence ${c.evidence ? `${c.evidence} is not there` : 'file is not named'}` : ''}`
                : check.status === 'unverified'
                  ? `typed "${c.status ?? '—'}" with nothing measured: ${check.source}`
                  : `${check.target ? `target ${check.target}; ` : ''}${check.source}`,
            evidence: c.evidence ? { path: c.evidence, present: check.evidence === 'present' } : null,
          };
        }),
      },
    ],
  };
  const gateSection: DocSection = {
    title: 'Gates',
    hint: 'Each gate is passed or failed by its latest recorded result; a status typed in the SOW alone is unverified; with no result it is pending while the iteration runs and missing after it ended.',
    blocks: [
      gates.length
        ? {
            type: 'checks',
            items: gates.map((g) => ({
              label: g.name,
              text: g.validator,
              status: g.status as DocStatus,
              detail: g.stoppedBy
                ? `stopped: ${g.stoppedBy}`
                : g.result
                  ? `${g.result.source}, ${g.result.at}${g.result.by ? `, ${g.result.by}` : ''}${g.result.failing.length ? `; failing: ${g.result.failing.join(', ')}` : ''}`
                  : g.status === 'missing'
                    ? `no result recorded, and ${sow.id} ended ${sow.data.dates.end}: it never ran`
                    : 'no result recorded',
              evidence: g.result ? { path: g.result.path, present: true } : null,
            })),
          }
        : { type: 'note', text: 'No gates.', tone: 'muted' },
    ],
  };
  const crs = figures.compliance.crs.filter((c) => model.crsOfSow(sow.id).includes(c.id));
  const linked: DocSection = {
    title: 'Linked change requests',
    blocks: [
      crs.length
        ? {
            type: 'links',
            items: crs.map((c) => ({
              label: c.id,
              path: c.path,
              status: (c.verdict ?? 'unknown') as DocStatus,
              detail: `${model.cr(c.id)?.data.summary ?? ''} — ${c.stage}${c.decided ? ` ${c.decided}` : ''}${c.verdict ? `, ${c.verdict}` : ', verdict unknown'}`,
            })),
          }
        : { type: 'note', text: 'None.', tone: 'muted' },
    ],
  };
  const row = figures.ledger?.rows.find((r) => r.period === sow.id);
  const ledger: DocSection = {
    title: 'Ledger',
    hint: SIGN_LEGEND,
    blocks: [
      row && money
        ? {
            type: 'fields',
            rows: [
              { label: 'Target cost', value: money(row.target) },
              { label: 'Actual cost', value: money(row.actual) },
              { label: 'Outcome', value: varianceInWords(row.variance, money) },
              { label: 'Who bears or earns it', value: shareInWords(row, money) },
              { label: "Supplier's net so far", value: balanceInWords(row.supplierBalance, money) },
            ],
          }
        : {
            type: 'note',
            tone: 'muted',
            text: figures.ledger ? `No ledger entry for ${sow.id} yet.` : `Unknown: ${figures.ledgerProblem ?? 'no valid ledger.'}`,
          },
    ],
  };
  doc.sections = sectionsOf(schema, map, { acceptance_criteria: criteria, gates: gateSection, id: null, title: null, approvals: null });
  doc.sections.push(linked, ledger, approvalSection(snap, sow, null));
  return doc;
}

/** Who must sign, who has, who is awaited, and each signature as verify judges it (the same words as the CLI and PDF). */
function approvalSection(snap: Snapshot, doc: Parameters<typeof approvalState>[1], due: string | null): DocSection {
  const model = snap.model;
  const state = approvalState(model, doc, snap.facts.signatures?.get(doc.path));
  const rows = approvalRows(model, state);
  return {
    title: 'Approvals (from signatures)',
    hint: 'Derived from signed commits, checked against the master as last approved by its parties: a change after a signature voids it.',
    blocks: [
      {
        type: 'fields',
        rows: [
          { label: 'Decision', value: state.words },
          { label: 'Needs', value: state.needs },
          ...(state.awaitedMembers.length ? [{ label: 'Can sign', value: state.awaitedMembers.join(', ') }] : []),
          ...(due && !state.outcome ? [{ label: 'Due', value: due }] : []),
          { label: 'Signatures count from', value: model.trust().label },
        ],
      },
      ...(rows.length ? [{ type: 'table' as const, columns: [...APPROVAL_COLUMNS], rows }] : []),
    ],
  };
}

/** A change request: its computed verdict first, then its fields, then who has approved and who is awaited. */
function crDocument(doc: ContractDocument, snap: Snapshot, schema: Record<string, unknown>, map: Record<string, unknown>): ContractDocument {
  const model = snap.model;
  const figures = snap.figures();
  const path = doc.path;
  const cr = model.crs.find((c) => c.path === path)!;
  const v = model.verdict(cr);
  const c = figures.compliance.crs.find((x) => x.path === path);
  doc.title = `${cr.id} — ${cr.data.summary}`;
  doc.subtitle = `Change request · ${c?.stage ?? cr.data.decision.status}`;
  const verdict: DocSection = {
    title: 'Verdict (computed)',
    hint: 'Minor or major from the thresholds of the master contract in force, whatever the file declares.',
    blocks: [
      {
        type: 'fields',
        rows: [
          { label: 'Verdict', value: verdictInWords(v) },
          { label: 'Declared in the file', value: cr.data.threshold_eval ?? 'nothing' },
          { label: 'Judged against', value: v.master.label },
        ],
      },
      ...(v.evaluation
        ? [
            {
              type: 'table' as const,
              columns: ['Threshold', 'Value', 'Major above', 'Crossed'],
              rows: v.evaluation.checks.map((x) => [x.label, String(x.value), String(x.limit), x.crossed ? 'yes' : 'no']),
            },
          ]
        : []),
    ],
  };
  const approvals = approvalSection(snap, cr, c?.approvals.due ?? null);
  doc.sections = [verdict, ...sectionsOf(schema, map, { id: null, summary: null, approvals: null }), approvals];
  return doc;
}
