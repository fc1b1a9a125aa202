import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { ApiFailure, isApiMethod, type Api, type ApiMethod, type Result } from '../common/api.js';

const str = { type: 'string', maxLength: 4096 } as const;
const none = { type: 'null' } as const;
const obj = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({ type: 'object', properties, required, additionalProperties: false });

const text = (max = 2000) => ({ type: 'string', maxLength: max }) as const;
const list = { type: 'array', items: text(200), maxItems: 200 } as const;
const DRAFT = obj({
  summary: text(),
  requestor: text(200),
  sows: list,
  budget_delta_pct: text(40),
  schedule_slip_days: text(40),
  risk_score: text(40),
  dependencies: list,
  value: text(),
  status: { enum: ['proposed', 'approved', 'rejected', 'withdrawn'] },
  approvers: list,
  date: text(20),
  createAdr: { type: 'boolean' },
});

/** The shape of each method's argument: anything else is refused before a handler sees it. */
const ARG_SCHEMAS: Record<ApiMethod, object> = {
  'app.info': none,
  'workspace.current': none,
  'workspace.open': obj({ root: str }),
  'workspace.create': obj({ root: str }),
  'workspace.openExample': none,
  'workspace.close': none,
  'workspace.recent': none,
  'workspace.pickFolder': none,
  'files.list': none,
  'files.read': obj({ path: str }),
  'files.write': obj({ path: str, text: { type: 'string', maxLength: 8 * 1024 * 1024 }, baseHash: { type: ['string', 'null'], maxLength: 128 } }, ['path', 'text']),
  'files.create': obj({ path: str, text: { type: 'string', maxLength: 8 * 1024 * 1024 } }),
  'files.rename': obj({ from: str, to: str }),
  'files.delete': obj({ path: str }),
  'workspace.validate': obj({ overlays: { type: 'object', additionalProperties: { type: 'string', maxLength: 8 * 1024 * 1024 }, maxProperties: 200 }, today: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } }, []),
  'templates.propose': obj({ kind: { enum: ['sow', 'cr', 'adr'] } }),
  'git.state': none,
  'git.init': none,
  'git.changes': none,
  'git.proposeMessage': obj({ paths: { type: 'array', items: str, maxItems: 10_000 } }),
  'git.diff': obj({ path: str }),
  'git.commit': obj({ paths: { type: 'array', items: str, maxItems: 10_000 }, message: { type: 'string', maxLength: 100_000 }, allowErrors: { type: 'boolean' } }, ['paths', 'message']),
  'git.log': obj({ path: str, limit: { type: 'integer', minimum: 1, maximum: 100_000 } }, []),
  'git.readAt': obj({ oid: { type: 'string', pattern: '^([0-9a-f]{4,40}|HEAD)$' }, path: str }),
  'git.compare': obj({ from: { type: 'string', pattern: '^([0-9a-f]{4,40}|HEAD)$' }, to: { type: 'string', pattern: '^([0-9a-f]{4,40}|HEAD)$' } }),
  'git.restore': obj({ oid: { type: 'string', pattern: '^([0-9a-f]{4,40}|HEAD)$' }, path: str }),
  'backups.save': obj({ path: str, text: { type: 'string', maxLength: 8 * 1024 * 1024 }, baseHash: { type: ['string', 'null'], maxLength: 128 } }),
  'backups.discard': obj({ path: str }),
  'backups.list': none,
  'ledger.get': none,
  'ledger.upsert': obj({ period: { type: 'string', minLength: 1, maxLength: 200 }, target_cost: { type: 'number', minimum: 0, maximum: 1e13 }, actual_cost: { type: 'number', minimum: 0, maximum: 1e13 }, note: { type: 'string', maxLength: 2000 } }, ['period', 'target_cost', 'actual_cost']),
  'dashboard.get': none,
  'wizard.crContext': none,
  'wizard.crLoad': obj({ path: str }),
  'wizard.crPreview': obj({ draft: DRAFT, editing: str }, ['draft']),
  'wizard.crWrite': obj({ draft: DRAFT, editing: str }, ['draft']),
  'adr.list': none,
  'adr.supersede': obj({ id: { type: 'string', pattern: '^ADR-[0-9]{4}$' }, title: { type: 'string', minLength: 1, maxLength: 300 } }),
  'wizard.sowContext': none,
  'wizard.sowWrite': obj({
    draft: obj({
      id: text(100),
      start: text(20),
      end: text(20),
      goals: list,
      valueHypothesis: text(),
      criteria: { type: 'array', maxItems: 100, items: obj({ description: text(), evidence: text(500) }) },
      gates: { type: 'array', maxItems: 100, items: obj({ name: text(200), validator: text(200) }) },
      dagNodes: list,
    }),
  }),
  'pdf.export': obj({ scope: { enum: ['contract', 'sow', 'cr'] }, id: { type: 'string', pattern: '^[A-Z][A-Z0-9-]*$', maxLength: 100 } }, ['scope']),
  'settings.author': none,
  'settings.setAuthor': obj({ name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', pattern: '^[^\\s@<>]+@[^\\s@<>]+$', maxLength: 200 } }),
};

let validators: Record<string, ValidateFunction> | null = null;
function argValidator(method: ApiMethod): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: false, ownProperties: true, strict: true, allowUnionTypes: true });
    validators = Object.fromEntries(Object.entries(ARG_SCHEMAS).map(([m, s]) => [m, ajv.compile(s)]));
  }
  return validators[method]!;
}

/**
 * The one entry to the handlers for every transport: checks the method against the allowlist and the argument
 * against its schema, runs the handler, and turns any failure into `{ok: false, error}` (never a stack trace).
 */
export async function dispatch(handlers: Api, method: unknown, args: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.` } };
  const arg = args === undefined ? null : args;
  const validate = argValidator(method);
  if (!validate(arg)) {
    const e = validate.errors?.[0];
    return { ok: false, error: { code: 'bad-request', message: `Invalid arguments for ${method}: ${e ? `${e.instancePath || 'argument'} ${e.message}` : 'wrong shape'}.` } };
  }
  try {
    const handler = handlers[method] as (a: unknown) => Promise<unknown>;
    const data = await handler(arg ?? undefined);
    return { ok: true, data: data === undefined ? null : data };
  } catch (e) {
    if (e instanceof ApiFailure) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'internal', message: `${method} failed unexpectedly: ${(e as Error)?.message ?? String(e)}` } };
  }
}
