/**
 * The workflow index: for every DAG node a SOW claims (links.dag_nodes), the SOW (contract_ref), its gates with the
 * validator split into module and check and the status from recorded results, and its acceptance criteria. A
 * workflow engine reads this file instead of parsing contracts (schemas/workflow-index.schema.json).
 */
import { todayIso } from './dates.js';
import type { ContractModel, GateState } from './model/contract.js';
import { resolveRefPath } from './paths.js';

export interface WorkflowIndex {
  version: 1;
  generatedAt: string;
  source: { commit: string | null; uncommitted: boolean };
  enforcement: 'report' | 'enforce';
  nodes: Record<string, WorkflowNode>;
}

export interface WorkflowNode {
  contract_ref: string;
  sow: string;
  gates: {
    name: string;
    validator: string;
    module: string;
    check: string | null;
    /** pending while the iteration runs with no result; missing after its last day. */
    status: GateState;
    result: string | null;
  }[];
  criteria: { id: string; description: string; evidence: string | null; evidencePresent: boolean | null }[];
}

export function workflowIndex(model: ContractModel, exists: (path: string) => boolean, source: WorkflowIndex['source'], now = new Date()): WorkflowIndex {
  const nodes: Record<string, WorkflowNode> = {};
  for (const sow of model.sows) {
    const gates = model.gateStatuses(sow, todayIso(now)).map((g) => {
      const colon = g.validator.indexOf(':');
      return {
        name: g.gate,
        validator: g.validator,
        module: colon === -1 ? g.validator : g.validator.slice(0, colon),
        check: colon === -1 ? null : g.validator.slice(colon + 1),
        status: g.status,
        result: g.result?.path ?? null,
      };
    });
    const criteria = sow.data.acceptance_criteria.map((c) => {
      const ref = c.evidence ? resolveRefPath(c.evidence) : null;
      return { id: c.id, description: c.description, evidence: c.evidence ?? null, evidencePresent: ref ? ref.ok && exists(ref.path) : null };
    });
    for (const node of sow.data.links?.dag_nodes ?? []) {
      if (nodes[node]) continue; // claimed twice: the first claim (by path order) stands, the rule reports the second
      nodes[node] = { contract_ref: sow.path, sow: sow.id, gates, criteria };
    }
  }
  return { version: 1, generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), source, enforcement: model.enforcementMode(), nodes };
}
