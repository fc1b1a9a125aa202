/** The CLI: a transport over the handlers of IPC and HTTP. A verb parses, calls through `dispatch` on a Session that
 * does not watch, and prints (in core/common/result-text.ts's words; --format json prints the answer as it is). */
import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { EDIT_NOTATION, parseEdit } from '../common/addendum.js';
import type { ApiArgs, ApiMethod, ApiResult } from '../common/api.js';
import { countDiagnostics } from '../common/diagnostics.js';
import { CovenantError, ERROR_CODES } from '../common/errors.js';
import type { LeftOut } from '../common/model/contract.js';
import { provenanceLine } from '../common/provenance.js';
import * as text from '../common/result-text.js';
import type { Session } from './session.js';
import { readTextFile } from './text.js';

/** Exit codes: 0 fine, 1 the contract has errors, 2 the command could not do its job (usage, I/O), 70 a bug. */
export const EXIT = { ok: 0, errors: 1, usage: 2 } as const;
/** Refuses a command line: the message says what is expected (exit 2). */
function usage(message: string): never {
  throw new CovenantError('invalid-input', message);
}
type Io = { out: (s: string) => void; err: (s: string) => void };

/** One command's Session: the workspace opened once (no watcher, no recent list), every call through `dispatch`. */
class Door {
  private session: Session | null = null;
  dir = '.';
  /** `words`: the verb's name for an API field, its option (--today) or argument (cr-id). */
  constructor(
    readonly io: Io,
    private readonly words = (field: string) => field,
  ) {}

  private async start(): Promise<Session> {
    if (this.session) return this.session;
    this.session = new (await import('./session.js')).Session({ mode: 'cli', watch: false });
    this.session.subscribe((e) => {
      if (e.type === 'notice') this.io.err(`covenant: ${e.message}\n`);
      else if (e.type === 'remote-progress' || e.type === 'history-progress') this.io.err(text.progressText(e, !!process.stderr.isTTY));
    });
    return this.session;
  }

  /** Opens the workspace folder; with `master`, one without a master contract is refused (nothing true to tell). */
  async open(dir: string, master: boolean): Promise<void> {
    const session = await this.start();
    this.dir = dir;
    const { root } = await session.open(dir);
    if (master) (await import('./workspace-loader.js')).requireMaster(root, dir, session.current()!.snapshot);
  }

  async call<M extends ApiMethod>(method: M, ...args: null extends ApiArgs<M> ? [] | [ApiArgs<M>] : [ApiArgs<M>]): Promise<ApiResult<M>> {
    const r = await (await import('./dispatch.js')).dispatch((await this.start()).handlers, method, args[0] ?? null);
    // an argument refused by its schema is named as the person typed it (--today, cr-id), not as the API field
    if (!r.ok && r.error.reason === 'invalid-argument') usage(text.refusedText(r.error.message, method, r.error.path!, this.words(r.error.path!)));
    if (!r.ok) throw new CovenantError(r.error.code, r.error.message, { path: r.error.path, reason: r.error.reason });
    return r.data as ApiResult<M>;
  }

  /** Prints a result: as JSON with --format json, else in words. */
  print = <T>(format: string | undefined, result: T, words: (r: T) => string) =>
    this.io.out(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : words(result));
  /** "covenant commit DIR FILES": what to run to commit what a verb wrote. */
  next = (paths: string[]) => `covenant commit ${this.dir === '.' ? '' : `${this.dir} `}${paths.join(' ')}`;
  /** Standard output, or with --out a file replaced atomically (as a textfile collector or a rules loader expects). */
  emit = async (out: string | undefined, body: string | Buffer) =>
    out ? (await import('./fs/atomic.js')).writeFileAtomic(path.resolve(out), body) : this.io.out(body.toString());
  /** Files left out of the figures, on stderr; exit 1 when there are any. */
  leftOut = (verb: string, p: { leftOut: readonly LeftOut[] }) => (this.io.err(text.leftOutText(verb, p.leftOut)), p.leftOut.length ? EXIT.errors : EXIT.ok);
  close = async () => this.session?.close();
}

/** Commander's parsed options and arguments: each verb reads what it declared. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Opts = Record<string, any>;
/** A verb, under its name and arguments: `[dir]` (default `.`) is opened before `run`; `[dir]!` must also hold a
 * master contract (a folder without one has nothing true to tell). */
interface Verb {
  help: string;
  /** "flags|description|choice,choice|default"; a leading ! makes it required. Or a commander Option. */
  opts?: (string | Option)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (d: Door, args: any[], o: Opts) => Promise<number>;
}

const FORMAT = '--format <format>|output format|text,json|text';
const OUT = '--out <file>|write to this file instead of standard output (replaced atomically)';
const TODAY = '--today <date>|judge SLAs as of this date, YYYY-MM-DD (default: today)';
const crId = (s: string) => (/^\d+$/.test(s) ? `CR-${s}` : s);
const wsPath = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
const nl = () => (process.stderr.isTTY ? '\n' : '');
const ok = (..._done: unknown[]) => EXIT.ok;

/** An option whose value is parsed: a number (a whole one from `min` to `max`), or repeated into a list. */
function parsed(flags: string, help: string, kind: 'number' | 'list' | [min: number, max: number]): Option {
  return new Option(flags, help).argParser((v: string, acc?: unknown): unknown => {
    if (kind === 'list') return [...((acc as string[] | undefined) ?? []), v];
    const n = Number(v);
    const what = kind === 'number' ? 'a number' : `a whole number from ${kind[0]} to ${kind[1]}`;
    const fits = v.trim() !== '' && Number.isFinite(n) && (kind === 'number' || (Number.isInteger(n) && n >= kind[0] && n <= kind[1]));
    return fits ? n : usage(`${flags.split(' ')[0]} must be ${what} (got ${JSON.stringify(v)})`);
  });
}

/** Every verb, keyed by its name and arguments (see `Verb`). */
const VERBS: Record<string, Verb> = {
  'validate [dir]!': {
    help: 'Check every contract file against the schemas and cross-file rules, with the facts git knows.\nExit status: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O.',
    opts: ['--format <format>|output format (sarif, junit, github: for CI)|text,json,sarif,junit,github|text', TODAY],
    run: async (d, _, o) => {
      const r = await d.call('workspace.validate', { today: o.today });
      if (o.format === 'text' || o.format === 'json') d.print(o.format, r, text.validationText);
      else {
        const files = (await d.call('files.list')).filter((f) => f.kind !== null).map((f) => f.path);
        d.io.out((await import('./ci-formats.js')).toCi(o.format, { files, diagnostics: r.diagnostics, mode: r.enforcement, version: '0.1.0' }));
      }
      return countDiagnostics(r.diagnostics).errors > 0 ? EXIT.errors : EXIT.ok;
    },
  },
  'evaluate <cr-id> [dir]!': {
    help: "A change request's minor/major verdict from the thresholds of the master in force.\nExit status: 0 computed and matching the declared verdict, 1 it differs or figures are missing, 2 usage.",
    opts: [FORMAT],
    run: async (d, [cr], o) => {
      const e = await d.call('changes.evaluate', { cr: crId(cr) });
      if (e.problem && o.format !== 'json') return (d.io.err(text.unevaluatedText(e)), EXIT.errors);
      return (d.print(o.format, e, text.evaluationText), e.matches ? EXIT.ok : EXIT.errors);
    },
  },
  'init <folder>': {
    help: 'Create a new workspace (master contract, a first SOW, the ledger, an ADR template) that validates clean,\nas a git repository with a first commit. Refuses a folder that already has contracts/.',
    opts: ['--no-git|do not make it a git repository'],
    run: async (d, [dir], o) => ok(d.io.out(text.createdText(dir, await d.call('workspace.create', { root: path.resolve(dir), git: o.git })))),
  },
  'editor-setup [dir]!': {
    help: 'Let VS Code (YAML extension) and editors with the YAML language server check contract files as Covenant does:\nwrites the schemas to .covenant/schemas/ and maps them in .vscode/settings.json (other settings kept).',
    run: async (d) => ok(d.io.out(text.editorSetupText((await d.call('workspace.editorSetup')).files))),
  },
  'record <sow> [gate] [folder]': {
    help: "Record a gate's result (from a JUnit or SARIF file, or by hand) or a criterion's measured value as a file under\ncontracts/results/ to review and commit. Refuses a gate or criterion the SOW does not declare.",
    opts: [
      '--junit <file>|a JUnit XML report: passed when no test failed or errored',
      '--sarif <file>|a SARIF 2.1.0 log: failed when any result has level error',
      '--result <outcome>|recorded by hand|passed,failed',
      '--criterion <id>|record a measured value for this acceptance criterion (e.g. AC1) instead of a gate',
      parsed('--value <number>', 'the measured value for --criterion', 'number'),
      '--note <text>|a note kept with the result',
      "--node <name>|the DAG node whose run produced the result (one of the SOW's links.dag_nodes)",
      '--source <url>|where the source can be seen, e.g. the CI run',
    ],
    run: async (d, [sow, gate, dir], o) => {
      // with --criterion there is no gate: the second argument is the folder
      if (o.criterion && dir !== undefined) usage('with --criterion, give only the SOW and the folder');
      const sources = [o.junit, o.sarif, o.result].filter((x) => x !== undefined).length;
      if (o.criterion && (sources || o.value === undefined)) usage('--criterion records a --value NUMBER; --junit, --sarif and --result are for gates');
      if (!o.criterion && sources !== 1)
        usage(gate ? 'give exactly one of --junit FILE, --sarif FILE or --result passed|failed' : 'name the gate, or use --criterion AC1 --value N');
      await d.open((o.criterion ? gate : dir) ?? '.', true);
      const file: string | undefined = o.junit ?? o.sarif;
      const report = file ? { format: o.junit ? ('junit' as const) : ('sarif' as const), name: file, text: await readTextFile(file) } : undefined;
      const what = o.criterion ? { criterion: o.criterion, value: o.value } : { gate, outcome: o.result, report };
      const r = await d.call('results.record', { sow, ...what, note: o.note, node: o.node, sourceUrl: o.source });
      return ok(d.io.out(text.recordedText(sow, r, d.next([r.path]))));
    },
  },
  'review <cr-id> [dir]!': {
    help: 'Record a review of a change request in its reviews: who (your git identity), now, the outcome. The first\ncompleted one measures the review turnaround against collaboration_slos.review_turnaround_hours.',
    opts: ['!--outcome <outcome>|what the review says|approve,request_changes,comment', '--note <text>|what the reviewer said'],
    run: async (d, [cr], o) => {
      const r = await d.call('changes.review', { cr: crId(cr), outcome: o.outcome, note: o.note });
      return ok(d.io.out(text.reviewedText(o.outcome, r, d.next([r.path]))));
    },
  },
  'import-defects <file> [dir]!': {
    help: "Import defects from a tracker's export (CSV with a header row, or JSON) into contracts/defects/<export>.yaml;\nthe same export again replaces it. Columns by their usual names; others with --map FIELD=COLUMN.",
    opts: [
      '--format <format>|csv or json (default: from the file)|csv,json',
      '--sow <id>|the SOW the defects belong to, when the export does not say',
      parsed('--map <field=column>', 'the column of a field: id, title, severity, sow, reported, triaged (repeatable)', 'list'),
    ],
    run: async (d, [file], o) => {
      const pair = (m: string) => /^([^=]+)=(.*)$/s.exec(m)?.slice(1) ?? usage(`--map takes FIELD=COLUMN (got ${JSON.stringify(m)})`);
      const map = Object.fromEntries(((o.map ?? []) as string[]).map(pair));
      const body = await readTextFile(file);
      const r = await d.call('defects.import', { name: path.basename(file), text: body, format: o.format, sow: o.sow, map });
      return ok(d.io.out(text.importedText(r, d.next([r.path]))));
    },
  },
  'addendum <cr-id> [dir]!': {
    help: "Write a change request's addendum: the SOW or master edits it makes (--set FILE:FIELD=VALUE, FIELD as dotted keys,\n[n] for list items, VALUE as YAML). --apply (approved changes) makes the edits and marks the CR implemented.",
    opts: [
      parsed('--set <file:field=value>', 'one edit (repeatable)', 'list'),
      '--summary <text>|what the addendum changes, in one sentence',
      '--apply|apply the edits and mark the change implemented',
      '--dry-run|print the files it would write, write nothing',
    ],
    run: async (d, [cr], o) => addendum(d, crId(cr), o),
  },
  'approve <id> [dir]!': {
    help: "Sign a decision on a change request, a SOW or the master (id master) as a member of the approved master: adds it\nand commits that file signed with the member's SSH key (pure JS). The last signature the decision needs sets the\nCR's status in that commit. The key is read, never stored; a passphrase from --passphrase-env.",
    opts: [
      '!--as <member>|the member id (governance.members)',
      "!--key <file>|the member's SSH private key file (e.g. ~/.ssh/id_ed25519)",
      '--passphrase-env <var>|the environment variable holding the key passphrase',
      '--role <role>|the role signed in (default: the first the decision still needs that the member holds)',
      '--outcome <outcome>|what the member decides (default approve)|approve,reject,withdraw',
    ],
    run: async (d, [id], o) => {
      const passphrase = o.passphraseEnv ? process.env[o.passphraseEnv] : undefined;
      if (o.passphraseEnv && passphrase === undefined) usage(`--passphrase-env ${o.passphraseEnv}: that variable is not set`);
      const what = id === 'master' ? 'master' : crId(id);
      const r = await d.call('approvals.approve', { id: what, member: o.as, keyPath: path.resolve(o.key), passphrase, role: o.role, outcome: o.outcome });
      return ok(d.io.out(text.approvedText(what, o.as, r)));
    },
  },
  'verify [dir]!': {
    help: 'Check every approval against the trust root (the master as last approved by its parties): signed over its own\ncommit by a key of the member it names, in a role the decision needs, on the version that stands; and every\ndecision as its signatures make it. Exit status: 0 all hold, 1 any does not (or a status lacks its signatures), 2 usage.',
    opts: [FORMAT],
    run: async (d, _, o) => {
      const r = await d.call('approvals.verify');
      return (d.print(o.format, r, text.verifyText), text.verifyFails(r) ? EXIT.errors : EXIT.ok);
    },
  },
  'redline <file> [dir]!': {
    help: 'What changed in a contract file since its last approved version (its latest commit signed with a member key),\nfield by field: what the steering committee reads before it signs again.',
    opts: [FORMAT],
    run: async (d, [file], o) => ok(d.print(o.format, await d.call('redline.get', { path: wsPath(file) }), text.redlineText)),
  },
  'merge-driver <base> <mine> <theirs> [path]': {
    help: 'A git merge driver: contract YAML merges by structure, Markdown line-wise; the result replaces %A. Exit 0 merged,\n1 conflicts (on stderr and atop the file). Use: merge.covenant.driver "covenant merge-driver %O %A %B %P"',
    run: async (d, [base, mine, theirs, file]) => {
      const conflicts = await (await import('./merge-driver.js')).runMergeDriver(base, mine, theirs, file);
      return (d.io.err(conflicts.map((c) => `covenant merge-driver: ${c}\n`).join('')), conflicts.length ? EXIT.errors : EXIT.ok);
    },
  },
  'allowed-signers [dir]!': {
    help: "git's allowed-signers file for the members' SSH keys, so that `git log --show-signature` and\n`git verify-commit` (gpg.ssh.allowedSignersFile) agree with covenant verify.",
    opts: [OUT],
    run: async (d, _, o) => ok(await d.emit(o.out, (await d.call('approvals.allowedSigners')).text)),
  },
  'clone <url> [folder]': {
    help: "Clone a shared contract repository over HTTP(S). Credentials, when the server asks: COVENANT_GIT_TOKEN (or\nCOVENANT_GIT_USERNAME and COVENANT_GIT_PASSWORD), else git's credential helper where git is installed.",
    run: async (d, [url, folder]) => {
      const dir = folder ?? (url.replace(/\/+$/, '').split('/').pop() ?? 'contract').replace(/\.git$/, '');
      await d.call('remote.clone', { url, root: path.resolve(dir) });
      const { branch } = await d.call('git.state');
      return ok(d.io.err(nl()), d.io.out(`Cloned into ${dir}${branch ? ` (branch ${branch})` : ''}. Next: covenant validate ${dir}\n`));
    },
  },
  'pull [dir]': {
    help: "Fetch origin's branch and merge it with the contract-aware merge, validated before the branch moves. Conflicts\nwait in the files (my value kept): --resolve KEY=mine|theirs|file or --take mine|theirs, then --continue; --abort\nputs the files back. Exit status: 0 merged or up to date, 1 conflicts or a merge adding errors, 2 usage or network.",
    opts: [
      '--continue|commit the waiting merge once every conflict is resolved',
      '--abort|give up the waiting merge: every file it touched goes back to before the pull',
      parsed('--resolve <key=choice>', 'resolve one conflict (KEY as listed): mine, theirs or file (repeatable)', 'list'),
      '--take <side>|resolve every conflict still open the same way: mine or theirs',
      FORMAT,
    ],
    run: async (d, _, o) => pull(d, o),
  },
  'push [dir]': {
    help: 'Push the current branch to origin. A remote with commits you do not have is refused: pull first.',
    run: async (d) => ok(d.io.out(`Pushed ${(await d.call('remote.push', {})).branch} to origin.\n`), d.io.err(nl())),
  },
  'status [dir]': {
    help: "What git sees changed in the workspace (as the app's Changes view): branch, commit, changed files.",
    opts: [FORMAT],
    run: async (d, _, o) => ok(d.print(o.format, await d.call('git.status'), text.statusText)),
  },
  'commit [folder] [paths...]': {
    help: "Commit changed files through the app's validation gate: refused (exit 1) with errors unless --allow-errors (then a\nCovenant-Validation: trailer). Default: every changed contract file, the proposed message. Identity as git has it.",
    opts: ['-m, --message <text>|the commit message (default: the proposed one)', '--allow-errors|commit even with validation errors (the message says so)'],
    run: async (d, [dir, files], o) => {
      // `covenant commit FILE` (as the hints say) is FILE in the current folder, not a folder named FILE
      const paths: string[] = dir === undefined || (await isFolder(dir)) ? files : [dir, ...files];
      await d.open(paths === files ? (dir ?? '.') : '.', true);
      const args = { ...(paths.length ? { paths: (paths as string[]).map(wsPath) } : {}), message: o.message, allowErrors: !!o.allowErrors };
      const r = await d.call('git.commit', args).catch((e: unknown) => {
        if (!(e instanceof CovenantError && e.reason === 'validation-errors')) throw e;
        d.io.err(text.notCommittedText(e.message));
      });
      return r ? ok(d.io.out(text.committedText(r))) : EXIT.errors;
    },
  },
  'log [dir]': {
    help: "The workspace's history (newest first), or one file's with --file.",
    opts: [
      "--file <path>|only commits that changed this workspace file (git's history simplification)",
      '--ref <name>|start from this commit, branch or tag (default HEAD)',
      parsed('--limit <n>', 'at most this many commits', [1, 100_000]),
      FORMAT,
    ],
    run: async (d, _, o) => {
      const r = await d.call('git.log', { path: o.file === undefined ? undefined : wsPath(o.file), limit: o.limit, ref: o.ref });
      return ok(d.print(o.format, r, (entries) => entries.map(text.logLine).join('')));
    },
  },
  'metrics [dir]!': {
    help: "Compliance and ledger figures in Prometheus' text format (node_exporter's textfile collector): the numbers the\ndashboard and the PDF show. With --out, the file is replaced atomically.",
    opts: [OUT, TODAY],
    run: async (d, _, o) => {
      const r = await d.call('metrics.prometheus', { today: o.today });
      return (await d.emit(o.out, r.text), d.leftOut('metrics', r.provenance));
    },
  },
  'export-index [dir]!': {
    help: 'The workflow index as JSON (schemas/workflow-index.schema.json): every DAG node with its SOW, gates (validator,\nstatus from recorded results) and criteria, for workflow validators. With --out, replaced atomically.',
    opts: [OUT],
    run: async (d, _, o) => {
      const r = await d.call('export.index');
      const index = { $schema: 'https://schemas.covenant.app/v1/workflow-index.schema.json', ...r.index };
      return (await d.emit(o.out, `${JSON.stringify(index, null, 2)}\n`), d.leftOut('export-index', r.provenance));
    },
  },
  'alerts [dir]!': {
    help: 'Prometheus alerting rules over the metrics of covenant metrics: SLA breaches, failed, missing or unverified gates,\nstop-the-line triggers, escalations and validation errors. With --out, the file is replaced atomically.',
    opts: [OUT],
    run: async (d, _, o) => ok(await d.emit(o.out, (await d.call('alerts.rules')).text)),
  },
  'export-pdf [dir]!': {
    help: 'A PDF for a steering meeting: the whole contract, one SOW or one change request, with the commit it shows on every page.',
    opts: [
      '!--out <file>|the PDF file to write',
      '--sow <id>|only this iteration',
      '--cr <id>|only this change request',
      '--since <date>|the last steering (YYYY-MM-DD): major changes since then (default: the start of the current iteration)',
    ],
    run: async (d, _, o) => {
      if (o.sow && o.cr) usage('choose --sow or --cr, not both');
      const scope = o.sow
        ? { scope: 'sow' as const, id: o.sow }
        : o.cr
          ? { scope: 'cr' as const, id: crId(o.cr) }
          : { scope: 'contract' as const, since: o.since };
      const r = await d.call('pdf.export', scope);
      const pdf = Buffer.from(r.base64, 'base64');
      await d.emit(o.out, pdf);
      d.io.err(r.problems.map((p) => `covenant export-pdf: ${p}\n`).join(''));
      d.io.out(text.pdfWrittenText(o.out, pdf.length));
      return Math.max(d.leftOut('export-pdf', r.provenance), r.problems.length ? EXIT.errors : EXIT.ok);
    },
  },
  'archive [dir]!': {
    help: 'Archive closed iterations: SOWs that ended before a date move to contracts/archive/<bundle>/sow/ with a summary\n(README.md) of what they showed; still validated and counted in every figure. Review and commit.',
    opts: [
      '!--bundle <name>|the bundle, e.g. 2025-H1',
      '!--before <date>|archive iterations that ended before this date (YYYY-MM-DD)',
      '--dry-run|list what would move, write nothing',
    ],
    run: async (d, _, o) => ok(d.io.out(text.archiveText(await d.call('archive.closed', { bundle: o.bundle, before: o.before, dryRun: o.dryRun })))),
  },
  'export-csv <table> [dir]!': {
    help: 'The incentive ledger or the change-request log as CSV (a header row, amounts unsigned with words for who bears or earns them).',
    opts: [OUT],
    run: async (d, [table], o) => {
      const r = await d.call('export.csv', { table });
      await d.emit(o.out, r.text);
      // what the rows show goes to stderr: the CSV on stdout stays clean for scripts
      d.io.err(`${o.out ? `Wrote ${o.out}` : 'The CSV above is'} from the saved files: ${provenanceLine(r.provenance)}.\n`);
      return d.leftOut('export-csv', r.provenance);
    },
  },
  'serve [folder]': {
    help: 'Run Covenant in the browser: the app and its API on 127.0.0.1 only, guarded by a per-launch token.\nOpen the printed URL once; Ctrl+C stops it.',
    opts: [parsed('--port <port>', 'port to listen on (default: any free port)', [0, 65535])],
    run: async (d, [dir], o) => (await import('./serve.js')).serve(d.io, dir, o.port),
  },
};

async function pull(d: Door, o: Opts): Promise<number> {
  const resolve = ((o.resolve ?? []) as string[]).map(
    (r) => /^(.+)=(mine|theirs|file)$/.exec(r) ?? usage(`--resolve takes KEY=mine|theirs|file (got ${JSON.stringify(r)})`),
  );
  const resumes = o.continue || resolve.length > 0 || o.take !== undefined;
  if (o.abort && resumes) usage('--abort gives the merge up: it goes with no other option');
  if (o.abort) return ok(d.print(o.format, await d.call('merge.abort'), text.abortedText));
  if (!resumes) {
    const r = await d.call('remote.pull', {});
    return (d.io.err(nl()), d.print(o.format, r, text.pullText), r.outcome === 'conflicts' || r.outcome === 'invalid' ? EXIT.errors : EXIT.ok);
  }
  const choices = resolve.map((m) => ({ key: m[1]!, take: m[2] === 'file' ? ('edit' as const) : (m[2] as 'mine' | 'theirs') }));
  const r = await d.call('merge.settle', { resolve: choices, takeAll: o.take, commit: !!o.continue });
  return (d.print(o.format, r, text.settledText), r.open ? EXIT.errors : EXIT.ok);
}

async function addendum(d: Door, cr: string, o: Opts): Promise<number> {
  const set: string[] = o.set ?? [];
  if (set.length === 0 && !o.apply) usage('give the edits (--set FILE:FIELD=VALUE ...), or --apply to apply the addendum that is there');
  const edits = set.map((e) => parseEdit(e) ?? usage(`--set takes ${EDIT_NOTATION} (got ${JSON.stringify(e)})`));
  const args = { cr, ...(edits.length ? { edits } : {}), summary: o.summary, apply: !!o.apply };
  const plan = await d.call('addendum.preview', args);
  d.io.out(text.editsText(plan.edits));
  if (plan.diagnostics.length) return (d.io.err(text.notWrittenText(plan.diagnostics)), EXIT.errors);
  if (o.dryRun) return ok(d.io.out(plan.files.map((f) => `--- ${f.path}${f.isNew ? ' (new)' : ''}\n${f.text}`).join('')));
  const paths = await d.call('addendum.write', args);
  return ok(d.io.out(text.addendumText(cr, !!o.apply, paths, d.next(paths))));
}

const isFolder = async (p: string) => (await (await import('node:fs/promises')).stat(p).catch(() => null))?.isDirectory() ?? false;
function toOption(spec: string | Option): Option {
  if (typeof spec !== 'string') return spec;
  const [flags, help, choices, preset] = spec.replace(/^!/, '').split('|');
  const o = choices ? new Option(flags!, help).choices(choices.split(',')) : new Option(flags!, help);
  if (preset) o.default(preset);
  return spec.startsWith('!') ? o.makeOptionMandatory() : o;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('covenant').description('Covenant: living contracts kept as validated files in git.').version('0.1.0');
  program.showHelpAfterError('(run with --help for usage)').configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const [spec, v] of Object.entries(VERBS)) {
    const master = spec.includes('[dir]!');
    const [name, ...args] = spec.replace('[dir]!', '[dir]').split(' ');
    const c = program.command(name!).description(v.help);
    for (const a of args) c.argument(a, /dir|folder/.test(a) ? 'workspace folder' : '', a === '[dir]' ? '.' : undefined);
    for (const o of v.opts ?? []) c.addOption(toOption(o));
    c.action(async (...given: unknown[]) => {
      const flags = new Map(c.options.map((o) => [o.attributeName(), o.long!]));
      const door = new Door(io, (f) => flags.get(f) ?? args.find((a) => a.replace(/[<>[\].]/g, '').replace(/-id$/, '') === f)?.replace(/[[\]]/g, '') ?? f);
      const positional = given.slice(0, args.length) as string[];
      try {
        if (args.includes('[dir]')) await door.open(positional[args.indexOf('[dir]')]!, master);
        setExit(await v.run(door, positional, given[args.length] as Opts));
      } finally {
        await door.close();
      }
    });
  }
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests and the bin share it. Never throws. */
export async function runCli(argv: string[], io: Io = { out: (x) => process.stdout.write(x), err: (x) => process.stderr.write(x) }): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code) ? EXIT.ok : EXIT.usage;
    // one error type, one table: the message a person reads and the exit code scripts read
    if (e instanceof CovenantError) return (io.err(`covenant: ${e.message.split('\n')[0]}\n`), ERROR_CODES[e.code].exit);
    io.err(`covenant: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`);
    return ERROR_CODES.internal.exit;
  }
}

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2));
}
