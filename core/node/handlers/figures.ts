import path from 'node:path';
import type { CrEvaluation, DashboardView, Handlers } from '../../common/api.js';
import { CovenantError } from '../../common/errors.js';
import { commitInWords } from '../../common/provenance.js';
import type { Snapshot } from '../../common/workspace.js';
import type { HandlerContext } from './context.js';

/** A decided or proposed CR's verdict, each threshold, and the master it was judged against; or why it cannot be. */
function evaluate(snap: Snapshot, id: string): CrEvaluation {
  const model = snap.model;
  const doc = model.cr(id);
  if (!doc) {
    if (!model.knownIds.cr.has(id)) throw new CovenantError('not-found', `There is no change request ${id} (looked in contracts/changes/).`);
    const bad = model.leftOut.find((l) => l.kind === 'cr' && l.path.endsWith(`/${id}.yaml`));
    const file = bad?.path ?? `contracts/changes/${id}.yaml`;
    return {
      id,
      file,
      verdict: null,
      declared: null,
      matches: false,
      master: { label: '', commit: null },
      decision: { status: 'unknown', date: null },
      thresholds: [],
      problem: bad ? `${bad.path}:${bad.line} ${bad.reason}` : 'its file fails its schema',
    };
  }
  const v = model.verdict(doc);
  const badMaster = model.leftOut.find((l) => l.kind === 'master');
  const declared = doc.data.threshold_eval ?? null;
  const computed = v.evaluation?.verdict ?? null;
  return {
    id,
    file: doc.path,
    verdict: computed,
    declared,
    matches: computed !== null && (declared === null || declared === computed),
    master: { label: v.master.label, commit: v.master.commit },
    decision: { status: doc.data.decision.status, date: doc.data.decision.date ?? null },
    thresholds: (v.evaluation?.checks ?? []).map((ch) => ({ name: ch.key, label: ch.label, value: ch.value, limit: ch.limit, crossed: ch.crossed })),
    problem: v.evaluation ? null : badMaster ? `${badMaster.path}:${badMaster.line} ${badMaster.reason}` : v.explanation,
  };
}

/** Everything derived from the contract's evidence: dashboard, PDF, document view, CSV, metrics, rules, verdicts. */
export function figureHandlers(c: HandlerContext) {
  return {
    'dashboard.get': async (args): Promise<DashboardView> => {
      const snap = await c.saved({ early: true });
      const f = snap.figures(args?.today);
      return { ...f.compliance, provenance: await c.provenance(snap), budget: { summary: f.ledger, problem: f.ledger ? null : f.ledgerProblem } };
    },
    'changes.evaluate': async ({ cr }) => evaluate(await c.saved(), cr),
    'approvals.verify': async () => {
      const snap = await c.saved();
      const { allApprovalStates, approvalFindings } = await import('../../common/approvals.js');
      const documents = allApprovalStates(snap.model, snap.facts.signatures);
      const { basis, commit, label, approvedBy } = snap.model.trust();
      return {
        trust: { basis, commit, label, approvedBy },
        documents,
        approvals: documents.flatMap((d) => d.checks),
        findings: approvalFindings(snap.model, documents),
      };
    },
    'approvals.allowedSigners': async () => {
      const snap = await c.saved();
      const { allowedSigners } = await import('../approvals.js');
      return { text: allowedSigners(snap.model), provenance: await c.provenance(snap) };
    },
    'metrics.prometheus': async ({ today }) => {
      const snap = await c.saved();
      const provenance = await c.provenance(snap);
      const { prometheusText } = await import('../metrics.js');
      return { text: await prometheusText(snap.figures(today), { commit: provenance.commit, uncommitted: provenance.uncommitted }), provenance };
    },
    'alerts.rules': async () => {
      const snap = await c.saved();
      const { alertRules } = await import('../alerts.js');
      return { text: alertRules(snap.model), provenance: await c.provenance(snap) };
    },
    'export.index': async () => {
      const snap = await c.saved();
      const provenance = await c.provenance(snap);
      const { workflowIndex } = await import('../../common/workflow-index.js');
      return { index: workflowIndex(snap.model, (f) => snap.has(f), { commit: provenance.commit, uncommitted: provenance.uncommitted }), provenance };
    },
    'pdf.export': async ({ scope, id, since, unsaved }) => {
      const ws = c.ws();
      if (scope !== 'contract' && !id) throw new CovenantError('invalid-input', `Which ${scope === 'sow' ? 'SOW' : 'change request'}?`);
      // saved files unless the user asked for unsaved edits: then a snapshot of its own, and the footer says so
      const snap = await c.withBuffers(unsaved);
      const provenance = await c.provenance(snap);
      const { exportPdf } = await import('../pdf/export.js');
      const pdfScope = scope === 'contract' ? { kind: 'contract' as const, ...(since ? { since } : {}) } : { kind: scope, id: id! };
      const { pdf, problems } = await exportPdf(ws.root, snap, pdfScope, provenance);
      const name = scope === 'contract' ? `${path.basename(ws.root)}-contract` : id!;
      return { filename: `${name}-${provenance.generatedAt.slice(0, 10)}.pdf`, base64: pdf.toString('base64'), provenance, problems };
    },
    'document.get': async ({ path: p, unsaved }) => {
      const dirty = unsaved !== undefined && Object.keys(unsaved).length > 0;
      const snap = await c.withBuffers(dirty ? unsaved : undefined);
      const commit = commitInWords(await c.provenance(snap));
      const shows = dirty && unsaved[p] !== undefined ? `Your unsaved edits to ${p} (not saved yet), over ${commit}` : `The saved file, ${commit}`;
      const { contractDocument } = await import('../document-service.js');
      return contractDocument(snap, p, shows);
    },
    'export.csv': async ({ table }) => {
      const snap = await c.saved();
      const { exportCsv, csvName } = await import('../csv-export.js');
      const provenance = await c.provenance(snap);
      return { filename: csvName(path.basename(c.ws().root), table, provenance.commit, provenance.uncommitted), text: exportCsv(snap, table), provenance };
    },
  } satisfies Partial<Handlers>;
}
