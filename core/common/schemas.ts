import adrSchema from '../../schemas/adr.schema.json';
import crSchema from '../../schemas/change-request.schema.json';
import ledgerSchema from '../../schemas/ledger.schema.json';
import masterSchema from '../../schemas/master-contract.schema.json';
import sowSchema from '../../schemas/sow.schema.json';
import resultSchema from '../../schemas/result.schema.json';
import defectsSchema from '../../schemas/defects.schema.json';
import addendumSchema from '../../schemas/addendum.schema.json';
import type { FileKind } from './model/kinds.js';

/** The JSON Schemas of schemas/: the one source for validation, editor completion and hover, and the types. */
export const SCHEMAS: Record<FileKind, Record<string, unknown>> = {
  master: masterSchema,
  sow: sowSchema,
  cr: crSchema,
  ledger: ledgerSchema,
  adr: adrSchema,
  result: resultSchema,
  defects: defectsSchema,
  addendum: addendumSchema,
};

/** Which workspace files each schema applies to (globs as the editor's YAML service understands them). */
export const SCHEMA_FILE_MATCH: Record<Exclude<FileKind, 'adr'>, string[]> = {
  master: ['**/contracts/master_contract.yaml'],
  sow: ['**/contracts/sow/*.yaml', '**/contracts/sow/*.yml', '**/contracts/archive/*/sow/*.yaml', '**/contracts/archive/*/sow/*.yml'],
  cr: ['**/contracts/changes/*.yaml', '**/contracts/changes/*.yml'],
  ledger: ['**/contracts/ledger.yaml'],
  result: ['**/contracts/results/*/*.yaml', '**/contracts/results/*/*.yml'],
  defects: ['**/contracts/defects/*.yaml', '**/contracts/defects/*.yml'],
  addendum: ['**/contracts/addenda/*.yaml', '**/contracts/addenda/*.yml'],
};
