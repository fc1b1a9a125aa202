import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { isValidDate } from '../common/dates.js';
import { countDiagnostics, formatDiagnostic, type DiagnosticCounts } from '../common/diagnostics.js';
import { CovenantError, ERROR_CODES } from '../common/errors.js';
import type { Snapshot } from '../common/workspace.js';
import type { MergeConflictEntry } from './git/merge-state.js';

// Heavy modules (yaml + ajv, isomorphic-git, pdfkit, prom-client, the HTTP server) are loaded by the verbs that
// need them, so `covenant --help` costs about a bare node start.
const loader = () => import('./workspace-loader.js');

/** Exit codes: 0 fine, 1 the contract has errors, 2 the command could not do its job (usage, I/O), 70 a bug. */
export const EXIT = { ok: 0, errors: 1, usage: 2 } as const;

const usage = (message: string) => new CovenantError('invalid-input', message);

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(files: number, c: DiagnosticCounts): string {
  return `${plural(files, 'file')} checked: ${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.infos} info`;
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

function todayOption(): Option {
  return new Option('--today <date>', 'judge SLAs as of this date, YYYY-MM-DD (default: today)');
}

function checkToday(today: string | undefined): string | undefined {
  if (today !== undefined && !isValidDate(today)) throw usage(`--today must be a date as YYYY-MM-DD (got ${JSON.stringify(today)})`);
  return today;
}

/** Standard output, or with --out a file replaced atomically (as a textfile collector or a rules loader expects). */
async function writeOutput(io: Io, text: string, out: string | undefined): Promise<void> {
  if (out) await (await import('./fs/atomic.js')).writeFileAtomic(path.resolve(out), text);
  else io.out(text);
}

/** A workspace folder read from disk that has a master contract (exit 2 with a sentence otherwise). */
/** Progress of a clone, pull or push on one terminal line (only on a terminal: scripts read clean stderr). */
function progress(io: Io): ((phase: string, loaded: number, total: number | undefined) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (phase, loaded, total) => io.err(`\r${phase}: ${loaded}${total ? `/${total}` : ''}   `);
}

async function contractWorkspace(dir: string): Promise<{ root: string; snapshot: Snapshot }> {
  const { loadWorkspace, requireMaster } = await loader();
  const loaded = await loadWorkspace(dir);
  requireMaster(loaded.root, dir, loaded.snapshot);
  return loaded;
}

/** A workspace folder read from disk with git's facts, for the verbs whose output is figures. */
async function factualSnapshot(dir: string): Promise<{ root: string; snapshot: Snapshot }> {
  const { loadWorkspace, requireMaster } = await loader();
  const { root, snapshot } = await loadWorkspace(dir);
  requireMaster(root, dir, snapshot);
  const { withGitFacts } = await import('./figures.js');
  return { root, snapshot: await (await withGitFacts(root, snapshot)).prepare() };
}

/** Files left out of the figures are named (file, line, what is expected) on stderr; then the exit code is 1. */
function reportLeftOut(io: Io, verb: string, snapshot: Snapshot): number {
  const leftOut = snapshot.model.leftOut;
  for (const l of leftOut) io.err(`covenant ${verb}: ${l.path}:${l.line} is left out of the figures: ${l.reason}\n`);
  if (leftOut.length)
    io.err(
      `covenant ${verb}: ${leftOut.length} file${leftOut.length === 1 ? '' : 's'} left out; figures that depend on ${leftOut.length === 1 ? 'it are' : 'them are'} unknown. Run covenant validate for every problem.\n`,
    );
  return leftOut.length ? EXIT.errors : EXIT.ok;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('covenant')
    .description('Covenant: living contracts kept as validated files in git.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('validate')
    .description(
      'Check every contract file of a workspace against the schemas and the cross-file rules.\nExit status: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O problem.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .addOption(
      new Option('--format <format>', 'output format (sarif, junit and github are for CI systems)')
        .choices(['text', 'json', 'sarif', 'junit', 'github'])
        .default('text'),
    )
    .addOption(todayOption())
    .action(async (dir: string, opts: { format: 'text' | 'json' | 'sarif' | 'junit' | 'github'; today?: string }) => {
      const today = checkToday(opts.today);
      const { loadWorkspace, requireMaster } = await loader();
      const { root, snapshot: loaded } = await loadWorkspace(dir);
      requireMaster(root, dir, loaded);
      let snapshot = await loaded.prepare();
      let result = snapshot.validate({ today });
      // a decided CR is judged against the master in force when it was decided, and an approval by its signed
      // commit: git is read only when that matters
      const figures = () => import('./figures.js');
      if (result.diagnostics.some((d) => d.code === 'threshold-eval-mismatch')) {
        snapshot = await (await figures()).withMasterVersions(root, snapshot);
        result = snapshot.validate({ today });
      }
      if (snapshot.model.crs.some((c) => c.data.approvals?.length) || snapshot.model.sows.some((x) => x.data.approvals?.length)) {
        snapshot = await (await figures()).withSignatures(root, snapshot);
        result = snapshot.validate({ today });
      }
      const counts = countDiagnostics(result.diagnostics);
      if (opts.format === 'json')
        io.out(`${JSON.stringify({ files: result.files, enforcement: snapshot.model.enforcementMode(), diagnostics: result.diagnostics }, null, 2)}\n`);
      else if (opts.format !== 'text') {
        const ci = await import('./ci-formats.js');
        const input = {
          files: snapshot.contractPaths(),
          diagnostics: result.diagnostics,
          mode: snapshot.model.enforcementMode(),
          version: program.version() ?? '0.1.0',
        };
        io.out(opts.format === 'sarif' ? ci.toSarif(input) : opts.format === 'junit' ? ci.toJunit(input) : ci.toGithub(input));
      } else {
        for (const d of result.diagnostics) io.out(`${formatDiagnostic(d)}\n`);
        io.out(`${summaryLine(result.files, counts)}\n`);
      }
      setExit(counts.errors > 0 ? EXIT.errors : EXIT.ok);
    });

  program
    .command('evaluate')
    .description(
      "Compute a change request's minor/major verdict from the master contract's thresholds.\nExit status: 0 computed (and matching the declared verdict), 1 declared verdict differs or figures are missing, 2 usage or I/O problem.",
    )
    .argument('<cr-id>', 'change request id, e.g. CR-42')
    .argument('[dir]', 'workspace folder', '.')
    .addOption(formatOption())
    .action(async (crId: string, dir: string, opts: { format: 'text' | 'json' }) => {
      const id = /^\d+$/.test(crId) ? `CR-${crId}` : crId;
      const { loadWorkspace, requireMaster } = await loader();
      const { root, snapshot: loaded } = await loadWorkspace(dir);
      requireMaster(root, dir, loaded);
      const snapshot = await (await import('./figures.js')).withMasterVersions(root, loaded);
      const model = snapshot.model;
      const doc = model.cr(id);
      if (!doc) {
        if (!model.knownIds.cr.has(id)) throw usage(`No change request ${id} in ${dir} (looked in contracts/changes/)`);
        const bad = model.leftOut.find((l) => l.kind === 'cr' && l.path.endsWith(`/${id}.yaml`));
        io.err(
          `covenant evaluate: cannot compute the verdict of ${id}: ${bad ? `${bad.path}:${bad.line} ${bad.reason}` : 'its file fails its schema'}. Run covenant validate for details.\n`,
        );
        setExit(EXIT.errors);
        return;
      }
      const v = model.verdict(doc);
      const bad = model.leftOut.find((l) => l.kind === 'master');
      if (!v.evaluation) {
        io.err(
          `covenant evaluate: cannot compute the verdict of ${id}: ${bad ? `${bad.path}:${bad.line} ${bad.reason}` : v.explanation}. Run covenant validate for details.\n`,
        );
        setExit(EXIT.errors);
        return;
      }
      const path = doc.path;
      const evaluation = v.evaluation;
      const declared = doc.data.threshold_eval;
      const matches = declared === undefined || declared === evaluation.verdict;
      if (opts.format === 'json') {
        const thresholdsOut = evaluation.checks.map((c) => ({ name: c.key, label: c.label, value: c.value, limit: c.limit, crossed: c.crossed }));
        const master = { label: v.master.label, commit: v.master.commit };
        io.out(
          `${JSON.stringify({ id, file: path, verdict: evaluation.verdict, declared: declared ?? null, matches, master, thresholds: thresholdsOut }, null, 2)}\n`,
        );
      } else {
        io.out(
          `${id}: ${evaluation.verdict}${declared === undefined ? ' (no verdict declared)' : matches ? ` (declared ${declared})` : ` (declared ${declared}: MISMATCH)`}\n`,
        );
        io.out(
          `  judged against ${v.master.label}${doc.data.decision.status === 'proposed' ? '' : `, in force on ${doc.data.decision.date ?? 'the decision date'}`}\n`,
        );
        const rows = evaluation.checks.map((c) => [c.label, String(c.value), String(c.limit), c.crossed ? 'yes' : 'no']);
        const table = [['threshold', 'value', 'limit', 'crossed'], ...rows];
        const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
        for (const r of table)
          io.out(
            `  ${r
              .map((cell, i) => cell.padEnd(widths[i]!))
              .join('  ')
              .trimEnd()}\n`,
          );
      }
      setExit(matches ? EXIT.ok : EXIT.errors);
    });

  program
    .command('init')
    .description(
      'Create a new workspace (master contract, a first SOW, the ledger, an ADR template) that validates clean,\nas a git repository with a first commit. Refuses to touch a folder that already has contracts/.',
    )
    .argument('<dir>', 'folder to create the workspace in (created if missing)')
    .option('--no-git', 'do not make it a git repository')
    .action(async (dir: string, opts: { git: boolean }) => {
      const { initWorkspace } = await import('./init.js');
      const files = await initWorkspace(dir);
      let committed = '';
      if (opts.git) {
        const root = path.resolve(dir);
        const [{ resolveIdentity, NO_IDENTITY }, { initRepository }] = await Promise.all([import('./git/author.js'), import('./git/init.js')]);
        const who = await resolveIdentity(null);
        const oid = await initRepository(root, who, 'Covenant workspace created').catch((e: Error) => {
          io.err(`covenant: the workspace was created, but not as a git repository: ${e.message}\n`);
          return null;
        });
        if (!who) io.err(`covenant: the folder is a git repository, but nothing is committed yet. ${NO_IDENTITY}\n`);
        const author = who?.author;
        if (oid && author) committed = `First commit ${oid.slice(0, 7)} by ${author.name} <${author.email}>.\n`;
      }
      io.out(
        `Created a Covenant workspace in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n${committed}Next: edit contracts/master_contract.yaml, then run covenant validate ${dir}\n`,
      );
      setExit(EXIT.ok);
    });

  program
    .command('editor-setup')
    .description(
      'Let VS Code (YAML extension) and other editors with the YAML language server check contract files as Covenant does:\nwrites the schemas to .covenant/schemas/ and maps them in .vscode/settings.json (other settings are kept).',
    )
    .argument('[dir]', 'workspace folder', '.')
    .action(async (dir: string) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const { writeEditorSetup } = await import('./editor-setup.js');
      const files = await writeEditorSetup(root);
      io.out(`Wrote ${files.join(', ')}. Open the folder in VS Code with the YAML extension (redhat.vscode-yaml): contract files are checked as you type.\n`);
      setExit(EXIT.ok);
    });

  program
    .command('record')
    .description(
      "Record a result for a gate of a SOW (from a JUnit or SARIF file, or by hand) or a measured value for an\nacceptance criterion, as a file under contracts/results/ to review and commit. Refuses a gate or criterion\nthe SOW does not declare. The gate's status is then derived from its latest result.",
    )
    .argument('<sow>', 'the SOW id, e.g. SPRINT-07')
    .argument('[gate]', 'the gate name, e.g. qa_signoff (omit with --criterion)')
    .argument('[dir]', 'workspace folder (default: the current folder)')
    .option('--junit <file>', 'a JUnit XML report: passed when no test failed or errored')
    .option('--sarif <file>', 'a SARIF 2.1.0 log: failed when any result has level error')
    .addOption(new Option('--result <outcome>', 'recorded by hand').choices(['passed', 'failed']))
    .option('--criterion <id>', 'record a measured value for this acceptance criterion (e.g. AC1) instead of a gate')
    .option('--value <number>', 'the measured value for --criterion', (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw usage(`--value must be a number (got ${JSON.stringify(v)})`);
      return n;
    })
    .option('--note <text>', 'a note kept with the result')
    .option('--node <name>', "the DAG node whose run produced the result (one of the SOW's links.dag_nodes)")
    .option('--source <url>', 'where the source can be seen, e.g. the CI run')
    .action(
      async (
        sow: string,
        gateArg: string | undefined,
        dirArg: string | undefined,
        opts: {
          junit?: string;
          sarif?: string;
          result?: 'passed' | 'failed';
          criterion?: string;
          value?: number;
          note?: string;
          source?: string;
          node?: string;
        },
      ) => {
        // with --criterion there is no gate: the second argument is the folder
        const gate = opts.criterion ? undefined : gateArg;
        const dir = (opts.criterion ? gateArg : dirArg) ?? '.';
        if (opts.criterion && dirArg !== undefined) throw usage('with --criterion, give only the SOW and the folder');
        const sources = [opts.junit, opts.sarif, opts.result].filter((x) => x !== undefined).length;
        if (opts.criterion) {
          if (opts.value === undefined) throw usage('--criterion needs --value NUMBER');
          if (sources) throw usage('--criterion records a --value; --junit, --sarif and --result are for gates');
        } else {
          if (!gate) throw usage('name the gate (covenant record SOW-ID GATE ...) or use --criterion AC1 --value N');
          if (sources !== 1) throw usage('give exactly one of --junit FILE, --sarif FILE or --result passed|failed');
        }
        const { loadWorkspace } = await loader();
        const [{ recordResult, parseJunit, parseSarif, sha256 }, { findRepo, git }, { resolveIdentity }, { readFile }] = await Promise.all([
          import('./results.js'),
          import('./git/repo.js'),
          import('./git/author.js'),
          import('node:fs/promises'),
        ]);
        const { root, snapshot } = await loadWorkspace(dir);
        const repo = await findRepo(root);
        const commit = repo ? await git.resolveRef({ ...repo.opts, ref: 'HEAD' }).catch(() => null) : null;
        const who = await resolveIdentity(repo).catch(() => null);
        const by = who ? `${who.author.name} <${who.author.email}>` : null;
        const url = opts.source ? { url: opts.source } : {};
        let req: Parameters<typeof recordResult>[2];
        if (opts.criterion) {
          req = { sow, criterion: opts.criterion, value: opts.value!, source: { kind: 'value', ...url }, by, commit, note: opts.note };
        } else if (opts.result) {
          req = { sow, gate, outcome: opts.result, source: { kind: 'hand', ...url }, by, commit, note: opts.note };
        } else {
          const file = (opts.junit ?? opts.sarif)!;
          const bytes = await readFile(path.resolve(file)).catch((e: NodeJS.ErrnoException) => {
            throw new CovenantError('not-found', `Cannot read ${file} (${e.code ?? e.message}).`);
          });
          const parsed = opts.junit ? parseJunit(bytes.toString('utf8'), file) : parseSarif(bytes.toString('utf8'), file);
          req = {
            sow,
            gate,
            outcome: parsed.outcome,
            counts: parsed.counts,
            failing: parsed.failing,
            source: { kind: opts.junit ? 'junit' : 'sarif', file: path.basename(file), sha256: sha256(bytes), ...url },
            by,
            commit,
            note: opts.note,
          };
        }
        if (opts.node) req.node = opts.node;
        const rel = await recordResult(root, snapshot, req);
        const what = req.gate
          ? `${req.gate}: ${req.outcome}${req.counts ? ` (${req.counts.tests} tests, ${req.counts.failures + req.counts.errors} failing)` : ''}`
          : `${req.criterion} = ${req.value}`;
        io.out(
          `Recorded ${sow} ${what} in ${rel}${by ? ` by ${by}` : ''}${commit ? ` at ${commit.slice(0, 7)}` : ''}.\nReview and commit it (covenant commit ${dir === '.' ? '' : `${dir} `}${rel}).\n`,
        );
        setExit(EXIT.ok);
      },
    );

  program
    .command('review')
    .description(
      "Record a review of a change request in its file (reviews:): who (your git identity, or --by), now, and the\noutcome. The first completed review (approve or request_changes) measures the review turnaround against\nthe master's collaboration_slos.review_turnaround_hours.",
    )
    .argument('<cr-id>', 'change request id, e.g. CR-42')
    .argument('[dir]', 'workspace folder', '.')
    .addOption(new Option('--outcome <outcome>', 'what the review says').choices(['approve', 'request_changes', 'comment']).makeOptionMandatory())
    .option('--note <text>', 'what the reviewer said')
    .option('--by <who>', 'who reviewed (default: your git identity)')
    .action(async (crArg: string, dir: string, opts: { outcome: 'approve' | 'request_changes' | 'comment'; note?: string; by?: string }) => {
      const id = /^\d+$/.test(crArg) ? `CR-${crArg}` : crArg;
      const { loadWorkspace } = await loader();
      const [{ reviewText }, { findRepo }, { resolveIdentity, NO_IDENTITY }, { readFile }, { writeFileAtomic }, { confine }] = await Promise.all([
        import('./reviews.js'),
        import('./git/repo.js'),
        import('./git/author.js'),
        import('node:fs/promises'),
        import('./fs/atomic.js'),
        import('./fs/confine.js'),
      ]);
      const { root, snapshot } = await loadWorkspace(dir);
      const doc = snapshot.model.cr(id);
      if (!doc)
        throw new CovenantError(
          'not-found',
          snapshot.model.knownIds.cr.has(id) ? `${id} has problems to fix first (run covenant validate).` : `No change request ${id} in ${dir}.`,
        );
      let by = opts.by?.trim();
      if (!by) {
        const who = await resolveIdentity(await findRepo(root)).catch(() => null);
        if (!who) throw usage(`Who reviews? Pass --by NAME, or: ${NO_IDENTITY}`);
        by = `${who.author.name} <${who.author.email}>`;
      }
      const abs = await confine(root, doc.path);
      const text = reviewText(await readFile(abs, 'utf8'), { by, outcome: opts.outcome, note: opts.note });
      await writeFileAtomic(abs, text, { within: root });
      io.out(
        `Recorded ${opts.outcome.replace('_', ' ')} by ${by} in ${doc.path}.\nReview and commit it (covenant commit ${dir === '.' ? '' : `${dir} `}${doc.path}).\n`,
      );
      setExit(EXIT.ok);
    });

  program
    .command('import-defects')
    .description(
      "Import defects from a tracker's export (CSV with a header row, or JSON) into contracts/defects/<export>.yaml,\nwith when each was reported and triaged; importing the same export again replaces the file. Columns are\nfound by their usual names (Issue key, Created, Triaged ...); name others with --map FIELD=COLUMN.",
    )
    .argument('<file>', 'the exported file')
    .argument('[dir]', 'workspace folder', '.')
    .addOption(new Option('--format <format>', 'csv or json (default: from the file)').choices(['csv', 'json']))
    .option('--sow <id>', 'the SOW the defects belong to, when the export does not say')
    .option(
      '--map <field=column>',
      'the column of a field: id, title, severity, sow, reported, triaged (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (file: string, dir: string, opts: { format?: 'csv' | 'json'; sow?: string; map: string[] }) => {
      const map: Record<string, string> = {};
      for (const m of opts.map) {
        const eq = m.indexOf('=');
        const field = m.slice(0, eq);
        if (eq < 1 || !['id', 'title', 'severity', 'sow', 'reported', 'triaged'].includes(field))
          throw usage(`--map takes FIELD=COLUMN with FIELD one of id, title, severity, sow, reported, triaged (got ${JSON.stringify(m)})`);
        map[field] = m.slice(eq + 1);
      }
      const { loadWorkspace } = await loader();
      const [{ importDefects }, { findRepo }, { resolveIdentity }, { readFile }] = await Promise.all([
        import('./defects.js'),
        import('./git/repo.js'),
        import('./git/author.js'),
        import('node:fs/promises'),
      ]);
      const bytes = await readFile(path.resolve(file)).catch((e: NodeJS.ErrnoException) => {
        throw new CovenantError('not-found', `Cannot read ${file} (${e.code ?? e.message}).`);
      });
      const { root, snapshot } = await loadWorkspace(dir);
      const who = await resolveIdentity(await findRepo(root)).catch(() => null);
      const r = await importDefects(root, snapshot, {
        file,
        bytes,
        format: opts.format,
        sow: opts.sow,
        map,
        by: who ? `${who.author.name} <${who.author.email}>` : null,
      });
      const cols = Object.entries(r.columns)
        .map(([k, v]) => `${k} <- ${v}`)
        .join(', ');
      io.out(
        `Imported ${plural(r.count, 'defect')} into ${r.path} (${cols}).\nReview and commit it (covenant commit ${dir === '.' ? '' : `${dir} `}${r.path}).\n`,
      );
      setExit(EXIT.ok);
    });

  program
    .command('addendum')
    .description(
      'Write the addendum of a change request: the SOW or master edits it makes (--set FILE:FIELD=VALUE, FIELD as\ndotted keys with [n] for list items, VALUE read as YAML). With --apply (only for an approved change) the edits\nare made in the files, the addendum is stamped applied and the CR is marked implemented: one change to review\nand commit. --apply alone applies the addendum that is there.',
    )
    .argument('<cr-id>', 'change request id, e.g. CR-42')
    .argument('[dir]', 'workspace folder', '.')
    .option('--set <file:field=value>', 'one edit (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--summary <text>', 'what the addendum changes, in one sentence')
    .option('--apply', 'apply the edits and mark the change implemented')
    .option('--dry-run', 'print the files it would write, write nothing')
    .action(async (crArg: string, dir: string, opts: { set: string[]; summary?: string; apply?: boolean; dryRun?: boolean }) => {
      const id = /^\d+$/.test(crArg) ? `CR-${crArg}` : crArg;
      if (opts.set.length === 0 && !opts.apply) throw usage('give the edits (--set FILE:FIELD=VALUE ...), or --apply to apply the addendum that is there');
      const edits = opts.set.map((e) => {
        const m = /^([^:]+):([^=]+)=(.*)$/s.exec(e);
        if (!m) throw usage(`--set takes FILE:FIELD=VALUE, e.g. contracts/sow/SPRINT-07.yaml:dates.end=2025-10-28 (got ${JSON.stringify(e)})`);
        return { file: m[1]!.trim().replace(/^\.\//, ''), field: m[2]!.trim(), to: m[3]! };
      });
      const { loadWorkspace } = await loader();
      const [{ planAddendum }, { findRepo }, { resolveIdentity, NO_IDENTITY }, { readFile }, { writeFileAtomic }, { confine }, { mkdir }] = await Promise.all([
        import('./addendum-service.js'),
        import('./git/repo.js'),
        import('./git/author.js'),
        import('node:fs/promises'),
        import('./fs/atomic.js'),
        import('./fs/confine.js'),
        import('node:fs/promises'),
      ]);
      const { root, snapshot } = await loadWorkspace(dir);
      let by: string | null = null;
      if (opts.apply) {
        const who = await resolveIdentity(await findRepo(root)).catch(() => null);
        if (!who) throw usage(`Who applies the addendum? ${NO_IDENTITY}`);
        by = `${who.author.name} <${who.author.email}>`;
      }
      const plan = await planAddendum(await snapshot.prepare(), async (p) => readFile(await confine(root, p), 'utf8'), {
        cr: id,
        ...(edits.length ? { edits } : {}),
        summary: opts.summary,
        apply: !!opts.apply,
        by,
      });
      for (const e of plan.edits) io.out(`  ${e.file} ${e.field}: ${e.from === undefined ? '(new)' : JSON.stringify(e.from)} -> ${JSON.stringify(e.to)}\n`);
      if (plan.diagnostics.length) {
        for (const d of plan.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
        io.err(`covenant addendum: nothing written; the files would have ${plural(plan.diagnostics.length, 'error')}.\n`);
        setExit(EXIT.errors);
        return;
      }
      if (opts.dryRun) {
        for (const f of plan.files) io.out(`--- ${f.path}${f.isNew ? ' (new)' : ''}\n${f.text}`);
        setExit(EXIT.ok);
        return;
      }
      for (const f of plan.files) {
        await mkdir(path.dirname(await confine(root, f.path)), { recursive: true });
        await writeFileAtomic(await confine(root, f.path), f.text, { within: root }); // confined again: the new folder must not be a link
      }
      io.out(
        `${opts.apply ? `${id} implemented` : `Addendum of ${id} drafted`}: ${plan.files.map((f) => f.path).join(', ')}.\nReview and commit the change (covenant commit ${dir === '.' ? '' : `${dir} `}${plan.files.map((f) => f.path).join(' ')}).\n`,
      );
      setExit(EXIT.ok);
    });

  program
    .command('approve')
    .description(
      "Approve a change request (or SOW) as a member of governance.members: adds the member's entry to its approvals\nand commits that file signed with the member's SSH key (pure JS, no ssh-keygen needed). The key file is read,\nnever stored; a protected key's passphrase comes from --passphrase-env.",
    )
    .argument('<id>', 'CR-42 or SPRINT-07')
    .argument('[dir]', 'workspace folder', '.')
    .requiredOption('--as <member>', 'the member id (governance.members)')
    .requiredOption('--key <file>', "the member's SSH private key file (e.g. ~/.ssh/id_ed25519)")
    .option('--passphrase-env <var>', 'the environment variable holding the key passphrase')
    .option('--role <role>', 'the role approved in (default: the one the decision needs, if the member holds it)')
    .action(async (idArg: string, dir: string, opts: { as: string; key: string; passphraseEnv?: string; role?: string }) => {
      const id = /^\d+$/.test(idArg) ? `CR-${idArg}` : idArg;
      const { loadWorkspace, requireMaster } = await loader();
      const [{ approve }, { readFile }] = await Promise.all([import('./approvals.js'), import('node:fs/promises')]);
      const key = await readFile(path.resolve(opts.key), 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new CovenantError('not-found', `Cannot read ${opts.key} (${e.code ?? e.message}).`);
      });
      const passphrase = opts.passphraseEnv ? process.env[opts.passphraseEnv] : undefined;
      if (opts.passphraseEnv && passphrase === undefined) throw usage(`--passphrase-env ${opts.passphraseEnv}: that variable is not set`);
      const { root, snapshot } = await loadWorkspace(dir);
      requireMaster(root, dir, snapshot);
      const r = await approve(root, snapshot, { id, member: opts.as, key, keyFile: opts.key, passphrase, role: opts.role });
      io.out(`Approved ${id}${r.role ? ` as ${r.role}` : ''}: commit ${r.commit.slice(0, 7)} signed with ${opts.as}'s key (${r.path}).\n`);
      setExit(EXIT.ok);
    });

  program
    .command('verify')
    .description(
      'Check every approval of the change requests and SOWs: added by a commit signed with the key of the member it\nnames, by a member who holds the role the decision needs (decision_rights).\nExit status: 0 all hold (or there are none), 1 any does not, 2 usage.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .addOption(formatOption())
    .action(async (dir: string, opts: { format: 'text' | 'json' }) => {
      const { root, snapshot } = await contractWorkspace(dir);
      const [{ signatureFacts }, { allApprovalChecks }] = await Promise.all([import('./approvals.js'), import('../common/approvals.js')]);
      const checks = allApprovalChecks(snapshot.model, await signatureFacts(root, snapshot.model));
      const bad = checks.filter((c) => c.status !== 'valid');
      if (opts.format === 'json') io.out(`${JSON.stringify({ approvals: checks }, null, 2)}\n`);
      else {
        for (const c of checks) io.out(`${c.file} ${c.member}${c.role ? ` as ${c.role}` : ''}: ${c.status === 'valid' ? 'ok' : c.status} - ${c.message}\n`);
        io.out(`${plural(checks.length, 'approval')} checked: ${checks.length - bad.length} hold, ${bad.length} do not\n`);
      }
      setExit(bad.length ? EXIT.errors : EXIT.ok);
    });

  program
    .command('redline')
    .description(
      'What changed in a contract file since its last approved version (the latest commit of it signed with a\nmember key), field by field: what the steering committee reads before it signs again.',
    )
    .argument('<file>', 'the contract file, e.g. contracts/sow/SPRINT-07.yaml')
    .argument('[dir]', 'workspace folder', '.')
    .addOption(formatOption())
    .action(async (file: string, dir: string, opts: { format: 'text' | 'json' }) => {
      const { root, snapshot } = await contractWorkspace(dir);
      const [{ redline }, { describeChange }] = await Promise.all([import('./approvals.js'), import('../common/redline.js')]);
      const r = await redline(root, snapshot, file.replace(/^\.\//, ''));
      if (opts.format === 'json') io.out(`${JSON.stringify(r, null, 2)}\n`);
      else if (!r.since) io.out(`${r.path} has no approved version yet (no commit of it is signed with a member key).\n`);
      else {
        io.out(`${r.path} since it was approved by ${r.since.name} on ${r.since.date} (${r.since.commit.slice(0, 7)}):\n`);
        for (const c of r.changes!) io.out(`  ${describeChange(c)}\n`);
        if (r.changes!.length === 0) io.out('  no change\n');
      }
      setExit(EXIT.ok);
    });

  program
    .command('merge-driver')
    .description(
      'A git merge driver: contract YAML merges by structure (maps by key, list items by id or name, comments and\nformatting kept), Markdown line-wise. Writes the result to %A; exit 0 merged, 1 conflicts (listed on stderr\nand at the top of the file). In .gitattributes: contracts/**/*.yaml merge=covenant; in git config:\nmerge.covenant.driver "npx covenant merge-driver %O %A %B %P"',
    )
    .argument('<base>', '%O: the common ancestor')
    .argument('<mine>', '%A: my version, replaced by the result')
    .argument('<theirs>', '%B: their version')
    .argument('[path]', '%P: the path in the repository')
    .action(async (baseFile: string, mineFile: string, theirsFile: string, repoPath: string | undefined) => {
      const [{ readFile }, { writeFileAtomic }, { mergeYaml, mergeLines }] = await Promise.all([
        import('node:fs/promises'),
        import('./fs/atomic.js'),
        import('../common/merge.js'),
      ]);
      const read = (f: string) =>
        readFile(f, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new CovenantError('not-found', `Cannot read ${f} (${e.code ?? e.message}).`);
        });
      const [base, mine, theirs] = await Promise.all([read(baseFile), read(mineFile), read(theirsFile)]);
      const name = repoPath ?? mineFile;
      if (/\.ya?ml$/i.test(name)) {
        const r = mergeYaml(base, mine, theirs);
        const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
        const header = r.conflicts.length
          ? `# covenant merge: ${plural(r.conflicts.length, 'conflict')} to resolve, my values kept below; then git add this file.\n${r.conflicts
              .map((c) => `#   ${c.field}: base ${show(c.base)}, mine ${show(c.mine)}, theirs ${show(c.theirs)}\n`)
              .join('')}`
          : '';
        await writeFileAtomic(path.resolve(mineFile), header + r.text);
        for (const c of r.conflicts)
          io.err(`covenant merge-driver: ${name}: ${c.field}: mine ${show(c.mine)}, theirs ${show(c.theirs)} (base ${show(c.base)})\n`);
        setExit(r.conflicts.length ? EXIT.errors : EXIT.ok);
      } else {
        const r = mergeLines(base, mine, theirs);
        await writeFileAtomic(path.resolve(mineFile), r.text);
        if (r.conflicted) io.err(`covenant merge-driver: ${name}: conflicting lines, marked in the file\n`);
        setExit(r.conflicted ? EXIT.errors : EXIT.ok);
      }
    });

  program
    .command('allowed-signers')
    .description(
      "git's allowed-signers file for the members' SSH keys, so that `git log --show-signature` and\n`git verify-commit` (gpg.ssh.allowedSignersFile) agree with covenant verify.",
    )
    .argument('[dir]', 'workspace folder', '.')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (dir: string, opts: { out?: string }) => {
      const { snapshot } = await contractWorkspace(dir);
      const { allowedSigners } = await import('./approvals.js');
      await writeOutput(io, allowedSigners(snapshot.model), opts.out);
      setExit(EXIT.ok);
    });

  program
    .command('clone')
    .description(
      "Clone a shared contract repository over HTTP(S). Credentials, when the server asks: COVENANT_GIT_TOKEN (or\nCOVENANT_GIT_USERNAME and COVENANT_GIT_PASSWORD), else git's credential helper where git is installed.",
    )
    .argument('<url>', 'the repository URL (https://...)')
    .argument('[dir]', 'the new folder (default: the last part of the URL)')
    .action(async (url: string, dirArg: string | undefined) => {
      const dir = dirArg ?? (url.replace(/\/+$/, '').split('/').pop() ?? 'contract').replace(/\.git$/, '');
      const { clone } = await import('./git/remote.js');
      const r = await clone(url, path.resolve(dir), { onProgress: progress(io) });
      if (process.stderr.isTTY) io.err('\n');
      io.out(`Cloned into ${dir}${r.branch ? ` (branch ${r.branch})` : ''}. Next: covenant validate ${dir}\n`);
      setExit(EXIT.ok);
    });

  program
    .command('pull')
    .description(
      "Fetch origin's branch and merge it with the contract-aware merge (YAML by structure, Markdown by lines). The\n" +
        'merged contract is validated before the branch moves. On conflicts the merge waits in the working tree (my value\n' +
        'kept in each conflicting field, nothing lost): resolve each with --resolve KEY=mine|theirs|file (file: keep what\n' +
        'you wrote in the file by hand) or --take mine|theirs for all, and --continue commits the merge; --abort puts the\n' +
        'files back as they were before the pull. Exit status: 0 merged or up to date, 1 conflicts left or a merged contract\n' +
        'with errors (listed, or --format json), 2 usage, network or credentials.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .option('--continue', 'commit the waiting merge once every conflict is resolved')
    .option('--abort', 'give up the waiting merge: every file it touched goes back to before the pull')
    .option(
      '--resolve <key=choice>',
      'resolve one conflict (KEY as listed, e.g. contracts/sow/S.yaml#dates.end): mine, theirs or file (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--take <side>', 'resolve every conflict still open the same way: mine or theirs')
    .addOption(formatOption())
    .action(async (dir: string, opts: { format: 'text' | 'json'; continue?: boolean; abort?: boolean; resolve: string[]; take?: string }) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const [{ pull }, merging, { findRepo }, { resolveIdentity, NO_IDENTITY }] = await Promise.all([
        import('./git/remote.js'),
        import('./git/merge-state.js'),
        import('./git/repo.js'),
        import('./git/author.js'),
      ]);
      if (opts.take !== undefined && opts.take !== 'mine' && opts.take !== 'theirs') throw usage(`--take is mine or theirs (got ${JSON.stringify(opts.take)})`);
      const resumes = opts.continue || opts.resolve.length > 0 || opts.take !== undefined;
      if (opts.abort && resumes) throw usage('--abort gives the merge up: it goes with no other option');
      const show = (v: unknown) =>
        v === undefined ? '(absent)' : typeof v === 'string' && v.includes('\n') ? `(${v.split('\n').length} lines)` : JSON.stringify(v);
      const listOpen = (conflicts: MergeConflictEntry[]) => {
        for (const c of conflicts.filter((x) => !x.resolution))
          io.out(`${c.key}: mine ${show(c.mine)}, theirs ${show(c.theirs)} (base ${show(c.base)})${c.kind === 'both-changed' ? '' : ` [${c.kind}]`}\n`);
      };
      if (opts.abort) {
        const state = await merging.abortMerge(root);
        if (opts.format === 'json') io.out(`${JSON.stringify({ outcome: 'aborted', restored: state.touched }, null, 2)}\n`);
        else io.out(`Pull aborted: ${plural(state.touched.length, 'file')} back as before the pull; HEAD still at ${state.ours.slice(0, 7)}.\n`);
        setExit(EXIT.ok);
        return;
      }
      let state = resumes ? await merging.requireMergeState(root) : null;
      const who = await resolveIdentity(await findRepo(root)).catch(() => null);
      if (!who) throw usage(`Who merges? ${NO_IDENTITY}`);
      const by = `${who.author.name} <${who.author.email}>`;
      if (state) {
        for (const r of opts.resolve) {
          const m = /^(.+)=(mine|theirs|file)$/.exec(r);
          if (!m) throw usage(`--resolve takes KEY=mine|theirs|file (got ${JSON.stringify(r)})`);
          state = await merging.resolveConflict(root, m[1]!, { take: m[2] === 'file' ? 'edit' : (m[2] as 'mine' | 'theirs'), by });
        }
        if (opts.take)
          for (const c of state.conflicts.filter((x) => !x.resolution))
            state = await merging.resolveConflict(root, c.key, { take: opts.take as 'mine' | 'theirs', by });
        const open = state.conflicts.filter((c) => !c.resolution);
        if (!opts.continue || open.length) {
          if (opts.format === 'json') io.out(`${JSON.stringify({ outcome: 'conflicts', conflicts: state.conflicts }, null, 2)}\n`);
          else {
            listOpen(state.conflicts);
            io.out(
              open.length
                ? `${plural(open.length, 'conflict')} still open; resolve ${open.length === 1 ? 'it' : 'them'}, then covenant pull --continue.\n`
                : 'Every conflict is resolved: covenant pull --continue commits the merge.\n',
            );
          }
          setExit(open.length ? EXIT.errors : EXIT.ok);
          return;
        }
        const { oid } = await merging.continueMerge(root, who, async (touched, ours) => {
          const [{ loadWorkspace }, { errorsAddedSince }] = await Promise.all([loader(), import('./git/remote.js')]);
          return errorsAddedSince(root, ours, touched, (await loadWorkspace(root)).snapshot);
        });
        if (opts.format === 'json') io.out(`${JSON.stringify({ outcome: 'merged', oid }, null, 2)}\n`);
        else io.out(`Merged: now at ${oid.slice(0, 7)}. Next: covenant push\n`);
        setExit(EXIT.ok);
        return;
      }
      const r = await pull(root, { author: who.author, committer: who.committer }, { onProgress: progress(io) });
      if (process.stderr.isTTY) io.err('\n');
      if (opts.format === 'json') io.out(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.outcome === 'conflicts') {
        listOpen(r.conflicts);
        io.out(
          `Not merged yet: ${plural(r.conflicts.length, 'conflict')}. The rest of the merge is in your files, your value kept in each conflicting field.\n` +
            'Resolve with covenant pull --resolve KEY=mine|theirs|file (or --take theirs), then covenant pull --continue; or covenant pull --abort.\n',
        );
      } else if (r.outcome === 'invalid') {
        for (const d of r.errors) io.out(`${formatDiagnostic(d)}\n`);
        io.out(`Not merged: the merged contract would have ${plural(r.errors.length, 'error')}; nothing changed.\n`);
      } else io.out(r.outcome === 'up-to-date' ? 'Already up to date.\n' : `Pulled (${r.outcome}): now at ${r.oid!.slice(0, 7)}.\n`);
      setExit(r.outcome === 'conflicts' || r.outcome === 'invalid' ? EXIT.errors : EXIT.ok);
    });

  program
    .command('push')
    .description('Push the current branch to origin. A remote with commits you do not have is refused: pull first.')
    .argument('[dir]', 'workspace folder', '.')
    .action(async (dir: string) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const { push } = await import('./git/remote.js');
      const r = await push(root, { onProgress: progress(io) });
      if (process.stderr.isTTY) io.err('\n');
      io.out(`Pushed ${r.branch} to origin.\n`);
      setExit(EXIT.ok);
    });

  program
    .command('status')
    .description("What git sees changed in the workspace (as the app's Changes view): branch, commit, changed files.")
    .argument('[dir]', 'workspace folder', '.')
    .addOption(formatOption())
    .action(async (dir: string, opts: { format: 'text' | 'json' }) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const [{ repoState }, { status }, { classifyPath }] = await Promise.all([
        import('./git/repo.js'),
        import('./git/status.js'),
        import('../common/model/kinds.js'),
      ]);
      const state = await repoState(root);
      const changes = (await status(root)).map((c) => ({ ...c, kind: classifyPath(c.path) }));
      if (opts.format === 'json') io.out(`${JSON.stringify({ ...state, changes }, null, 2)}\n`);
      else {
        const where = state.detached
          ? `HEAD detached at ${state.head?.slice(0, 7)}`
          : `On branch ${state.branch}${state.head ? ` (${state.head.slice(0, 7)})` : ', no commits yet'}`;
        const flags = [
          state.mergeInProgress && 'a merge is in progress',
          state.rebaseInProgress && 'a rebase is in progress',
          state.cherryPickInProgress && 'a cherry-pick is in progress',
          state.locked && 'the index is locked',
        ].filter(Boolean);
        io.out(`${where}${flags.length ? `; ${flags.join(', ')}` : ''}\n`);
        if (changes.length === 0) io.out('Nothing to commit: the working tree is clean.\n');
        for (const c of changes) io.out(`  ${c.status.padEnd(9)}${c.path}\n`);
      }
      setExit(EXIT.ok);
    });

  program
    .command('commit')
    .description(
      'Commit changed files with the same validation gate as the app: refused (exit 1) while the workspace has\nvalidation errors unless --allow-errors, which adds a Covenant-Validation: trailer. Without PATHs, every\nchanged contract file; without -m, the message Covenant proposes for them. Identity as git: GIT_AUTHOR_* /\nGIT_COMMITTER_*, then user.name and user.email of the git configuration.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .argument('[paths...]', 'workspace files to commit (default: all changed contract files)')
    .option('-m, --message <text>', 'the commit message (default: the proposed one)')
    .option('--allow-errors', 'commit even with validation errors (the message says so)')
    .action(async (dir: string, paths: string[], opts: { message?: string; allowErrors?: boolean }) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const [{ OpenWorkspace }, { WorkspaceGit }, { classifyPath }, { requireRepo }] = await Promise.all([
        import('./workspace-service.js'),
        import('./git-service.js'),
        import('../common/model/kinds.js'),
        import('./git/repo.js'),
      ]);
      await requireRepo(root);
      const ws = await OpenWorkspace.open(root, () => undefined, { watch: false });
      try {
        const wsGit = new WorkspaceGit(
          ws,
          () => undefined,
          () => undefined,
          (note) => io.err(`covenant: ${note}\n`),
        );
        const changes = await wsGit.changes();
        const wanted = paths.map((p) => p.replace(/\\/g, '/').replace(/^\.\//, ''));
        const chosen = wanted.length ? wanted : changes.filter((c) => classifyPath(c.path) !== null).map((c) => c.path);
        const changed = new Set(changes.map((c) => c.path));
        const unchanged = chosen.filter((p) => !changed.has(p));
        if (unchanged.length) throw usage(`${unchanged.join(', ')} ${unchanged.length === 1 ? 'has' : 'have'} no changes to commit.`);
        if (chosen.length === 0) {
          io.out('Nothing to commit: no contract file has changed.\n');
          setExit(EXIT.ok);
          return;
        }
        const message = opts.message ?? (await wsGit.proposeMessage(chosen));
        try {
          const r = await wsGit.commit(chosen, message, opts.allowErrors === true);
          io.out(`Committed ${r.oid.slice(0, 7)}: ${r.message.split('\n')[0]}\n${chosen.map((p) => `  ${p}`).join('\n')}\n`);
        } catch (e) {
          if (e instanceof CovenantError && e.reason === 'validation-errors') {
            io.err(`covenant: not committed. ${e.message}\nFix them, or commit anyway with --allow-errors (the message will say so).\n`);
            setExit(EXIT.errors);
            return;
          }
          throw e;
        }
        const left = wanted.length ? [] : changes.filter((c) => classifyPath(c.path) === null).map((c) => c.path);
        if (left.length) io.out(`Not committed (not contract files; name them to include them): ${left.join(', ')}\n`);
        setExit(EXIT.ok);
      } finally {
        await ws.close();
      }
    });

  program
    .command('log')
    .description("The workspace's history (newest first), or one file's with --file.")
    .argument('[dir]', 'workspace folder', '.')
    .option('--file <path>', "only commits that changed this workspace file (git's history simplification)")
    .option('--ref <name>', 'start from this commit, branch or tag (default HEAD)')
    .option('--limit <n>', 'at most this many commits', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw usage(`--limit must be a whole number of 1 or more (got ${JSON.stringify(v)})`);
      return n;
    })
    .addOption(formatOption())
    .action(async (dir: string, opts: { file?: string; limit?: number; ref?: string; format: 'text' | 'json' }) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const { log } = await import('./git/log.js');
      const entries = await log(root, { filepath: opts.file?.replace(/\\/g, '/').replace(/^\.\//, ''), limit: opts.limit, ref: opts.ref });
      if (opts.format === 'json') io.out(`${JSON.stringify(entries, null, 2)}\n`);
      else
        for (const e of entries)
          io.out(`${e.oid.slice(0, 7)} ${e.date.slice(0, 10)} ${e.author.name}  ${e.refs.length ? `(${e.refs.join(', ')}) ` : ''}${e.summary}\n`);
      setExit(EXIT.ok);
    });

  program
    .command('metrics')
    .description(
      "Compliance and ledger figures in Prometheus' text format (for node_exporter's textfile collector).\nWith --out, the file is replaced atomically, as the collector expects.",
    )
    .argument('[dir]', 'workspace folder', '.')
    .option('--out <file>', 'write to this file instead of standard output')
    .addOption(todayOption())
    .action(async (dir: string, opts: { out?: string; today?: string }) => {
      const today = checkToday(opts.today);
      const { root, snapshot } = await factualSnapshot(dir);
      const [{ prometheusText }, { provenance }] = await Promise.all([import('./metrics.js'), import('./pdf/export.js')]);
      const p = await provenance(root);
      const figures = snapshot.figures(today);
      const text = await prometheusText(figures, { commit: p.commit, uncommitted: p.dirty });
      await writeOutput(io, text, opts.out);
      setExit(reportLeftOut(io, 'metrics', snapshot));
    });

  program
    .command('export-index')
    .description(
      'The workflow index as JSON (schemas/workflow-index.schema.json): every DAG node with its SOW (contract_ref),\ngates (validator module and check, status from recorded results) and criteria, for workflow validators.\nWith --out, the file is replaced atomically.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (dir: string, opts: { out?: string }) => {
      const { root, snapshot } = await contractWorkspace(dir);
      const [{ workflowIndex }, { provenance }] = await Promise.all([import('../common/workflow-index.js'), import('./pdf/export.js')]);
      const p = await provenance(root);
      const snap = await snapshot.prepare();
      const text = `${JSON.stringify({ $schema: 'https://schemas.covenant.app/v1/workflow-index.schema.json', ...workflowIndex(snap.model, (f) => snap.has(f), { commit: p.commit, uncommitted: p.dirty }) }, null, 2)}\n`;
      await writeOutput(io, text, opts.out);
      setExit(reportLeftOut(io, 'export-index', snap));
    });

  program
    .command('alerts')
    .description(
      'Prometheus alerting rules for SLA breaches, failed or unverified gates, stop-the-line triggers and validation\nerrors, over the metrics of covenant metrics. With --out, the file is replaced atomically.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (dir: string, opts: { out?: string }) => {
      const { snapshot } = await contractWorkspace(dir);
      const { alertRules } = await import('./alerts.js');
      const text = alertRules((await snapshot.prepare()).model);
      await writeOutput(io, text, opts.out);
      setExit(EXIT.ok);
    });

  program
    .command('export-pdf')
    .description('A PDF summary for a steering meeting: the whole contract, one SOW or one change request, with the commit it shows on every page.')
    .argument('[dir]', 'workspace folder', '.')
    .requiredOption('--out <file>', 'the PDF file to write')
    .option('--sow <id>', 'only this iteration')
    .option('--cr <id>', 'only this change request')
    .option('--since <date>', 'the last steering (YYYY-MM-DD): the summary lists major changes since then (default: the start of the current iteration)')
    .action(async (dir: string, opts: { out: string; sow?: string; cr?: string; since?: string }) => {
      if (opts.sow && opts.cr) throw usage('choose --sow or --cr, not both');
      if (opts.since !== undefined && !isValidDate(opts.since)) throw usage(`--since takes a date as YYYY-MM-DD, not "${opts.since}"`);
      const { root, snapshot } = await factualSnapshot(dir);
      const scope = opts.sow
        ? { kind: 'sow' as const, id: opts.sow }
        : opts.cr
          ? { kind: 'cr' as const, id: opts.cr }
          : { kind: 'contract' as const, ...(opts.since ? { since: opts.since } : {}) };
      const { exportPdf } = await import('./pdf/export.js');
      const pdf = await exportPdf(root, snapshot, scope);
      await (await import('./fs/atomic.js')).writeFileAtomic(path.resolve(opts.out), pdf);
      io.out(`Wrote ${opts.out} (${Math.round(pdf.length / 1024)} KB) from the saved files.\n`);
      setExit(reportLeftOut(io, 'export-pdf', snapshot));
    });

  program
    .command('archive')
    .description(
      'Archive closed iterations: SOWs that ended before a date move to contracts/archive/<bundle>/sow/ with a summary\n(README.md) of what they showed. They are still validated and counted in every figure. Review and commit.',
    )
    .argument('[dir]', 'workspace folder', '.')
    .requiredOption('--bundle <name>', 'the bundle, e.g. 2025-H1')
    .requiredOption('--before <date>', 'archive iterations that ended before this date (YYYY-MM-DD)')
    .option('--dry-run', 'list what would move, write nothing')
    .action(async (dir: string, opts: { bundle: string; before: string; dryRun?: boolean }) => {
      const root = await (await loader()).resolveWorkspaceRoot(dir);
      const [{ OpenWorkspace }, { archiveClosed }] = await Promise.all([import('./workspace-service.js'), import('./archive.js')]);
      const ws = await OpenWorkspace.open(root, () => undefined, { watch: false });
      try {
        const plan = await archiveClosed(ws, opts.bundle, opts.before, { dryRun: opts.dryRun });
        for (const m of plan.moves) io.out(`${opts.dryRun ? 'would move' : 'moved'} ${m.from} -> ${m.to}\n`);
        io.out(
          `${opts.dryRun ? 'would write' : 'wrote'} ${plan.summaryPath} (${plan.moves.length} iteration${plan.moves.length === 1 ? '' : 's'})${opts.dryRun ? '' : '; review and commit'}\n`,
        );
        setExit(EXIT.ok);
      } finally {
        await ws.close();
      }
    });

  program
    .command('export-csv')
    .description('The incentive ledger or the change-request log as CSV (a header row, amounts unsigned with words for who bears or earns them).')
    .argument('<table>', 'ledger or changes')
    .argument('[dir]', 'workspace folder', '.')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (table: string, dir: string, opts: { out?: string }) => {
      if (table !== 'ledger' && table !== 'changes') throw usage(`the table is "ledger" or "changes", not "${table}"`);
      const { root, snapshot } = await factualSnapshot(dir);
      const { exportCsv } = await import('./csv-export.js');
      const text = exportCsv(snapshot, table);
      await writeOutput(io, text, opts.out);
      const { provenance } = await import('./pdf/export.js');
      const { provenanceLine } = await import('./pdf/summary.js');
      // what the rows show goes to stderr: the CSV on stdout stays clean for scripts
      io.err(`${opts.out ? `Wrote ${opts.out}` : 'The CSV above is'} from the saved files: ${provenanceLine(await provenance(root, []))}.\n`);
      setExit(reportLeftOut(io, 'export-csv', snapshot));
    });

  program
    .command('serve')
    .description(
      'Run Covenant in the browser: serves the app and its API on 127.0.0.1 only, guarded by a per-launch token.\nOpen the printed URL once; it stays valid until the server stops. Ctrl+C stops it.',
    )
    .argument('[dir]', 'workspace folder to open (default: the start screen)')
    .option('--port <port>', 'port to listen on (default: any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw usage(`--port must be a whole number from 0 to 65535 (got ${JSON.stringify(v)})`);
      return n;
    })
    .action(async (dir: string | undefined, opts: { port?: number }) => {
      const [{ rendererDir }, { Session }, { startBridge }, { stat }] = await Promise.all([
        import('./paths.js'),
        import('./session.js'),
        import('./server.js'),
        import('node:fs/promises'),
      ]);
      const staticDir = rendererDir();
      if (!(await stat(path.join(staticDir, 'index.html')).catch(() => null))) throw usage('the app is not built yet; run `npm run build` first');
      const session = new Session({ mode: 'browser' });
      if (dir !== undefined) {
        const info = await session.open(dir);
        await session.handlers['workspace.validate']({}); // warm: the first page load gets answers at once
        io.out(`Workspace: ${info.root}\n`);
      }
      const bridge = await startBridge({ session, staticDir, port: opts.port });
      io.out(`Covenant is running at ${bridge.launchUrl}\nOpen that URL in your browser. Press Ctrl+C to stop.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await bridge.close();
      await session.close();
      setExit(EXIT.ok);
    });

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests and the bin share it. Never throws. */
export async function runCli(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    // one error type, one table: the message a person reads and the exit code scripts read
    if (e instanceof CovenantError) {
      io.err(`covenant: ${e.message.split('\n')[0]}\n`);
      return ERROR_CODES[e.code].exit;
    }
    io.err(`covenant: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`);
    return ERROR_CODES.internal.exit;
  }
}

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2));
}
