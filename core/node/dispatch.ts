import type Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { API, isApiMethod, type ApiMethod, type Handlers, type Result } from '../common/api.js';
import { CovenantError, toApiError } from '../common/errors.js';

let ajv: Ajv2020 | null = null;
const validators = new Map<ApiMethod, ValidateFunction>();
/** The argument check of one method, compiled the first time it is called (a CLI command pays for its own only). */
export async function argValidator(method: ApiMethod): Promise<ValidateFunction> {
  let v = validators.get(method);
  if (!v) {
    if (!ajv) {
      const [{ default: Ajv }, { default: addFormats }] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]);
      // the schemas are the API table's own (TypeBox, checked in strict mode): not checked against the meta-schema each start
      ajv = new Ajv({ allErrors: false, ownProperties: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false });
      addFormats(ajv, ['date']); // a date argument is a day of the calendar: 2025-02-30 is refused
    }
    v = ajv.compile(API[method].args);
    validators.set(method, v);
  }
  return v;
}

/**
 * The one entry to the handlers for every transport: checks the method against the API table and the argument
 * against its declared schema, runs the handler, and turns any failure into `{ok: false, error}` (never a stack trace).
 */
export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method))
    return {
      ok: false,
      error: new CovenantError('not-found', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`, { reason: 'unknown-method' }).toJSON(),
    };
  const arg = args === undefined ? null : args;
  // no argument where none is declared needs no check (and a command that takes none never loads ajv)
  const validate = arg === null && (API[method].args as { type?: unknown }).type === 'null' ? null : await argValidator(method);
  if (validate && !validate(arg)) {
    // a field whose schema says what it expects (description) is refused in those words
    const described = (x: { parentSchema?: unknown }) => (x.parentSchema as { description?: string } | undefined)?.description;
    const e = validate.errors?.find((x) => described(x)) ?? validate.errors?.[0];
    const said = e ? described(e) : undefined;
    const field = e?.instancePath.slice(1).replace(/\//g, '.') || 'argument';
    const given = e?.data;
    const got =
      typeof given === 'string'
        ? ` (got ${given.length > 80 ? `${given.length.toLocaleString('en')} characters` : JSON.stringify(given)})`
        : typeof given === 'number' || typeof given === 'boolean'
          ? ` (got ${String(given)})`
          : '';
    const what = e ? `${field}: ${said ?? e.message}${got}` : 'wrong shape';
    return { ok: false, error: { code: 'invalid-input', message: `Invalid arguments for ${method}: ${what}.`, path: field, reason: 'invalid-argument' } };
  }
  try {
    const handler = handlers[method] as (a: unknown) => Promise<unknown>;
    const data = await handler(arg);
    return { ok: true, data: data === undefined ? null : data };
  } catch (e) {
    return { ok: false, error: toApiError(e, method) };
  }
}
