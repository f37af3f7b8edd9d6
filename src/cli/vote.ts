/**
 * `guarantor vote CASE declare|dismiss|abstain --key member.key --to URL [--reason TEXT] [--api-key KEY]`: fetches
 * the case's ballot (package, version, member) from the server, signs the vote statement with the member's Ed25519
 * key (fresh 128-bit nonce, the local clock's time) and sends it. Exit 0 when the vote is recorded, 1 when the
 * server rejects it (the reason is printed), 2 on usage or I/O errors.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { choices, type Choice } from '../core/ops/index.js';
import { signVote, VOTE_STATEMENT_TYPE, type SignedVote } from '../core/ops/index.js';
import { readText } from '../package-files.js';
import { errorText, HttpClient, type Fetch } from './http-client.js';
import { UsageError } from './usage-error.js';

export interface VoteOptions {
  key: string;
  to: string;
  reason?: string;
  apiKey?: string;
}

export function register(program: Command): void {
  program
    .command('vote')
    .description('sign a vote on a breach case with your member key and send it to the server')
    .argument('<case>', 'case id')
    .argument('<choice>', choices.join('|'))
    .requiredOption('-k, --key <file>', 'your private key (PEM, from `guarantor keys new`)')
    .requiredOption('-t, --to <url>', 'server base URL, e.g. https://guarantor.example.org')
    .option('-r, --reason <text>', 'reason for the record')
    .option('--api-key <key>', 'your member API key (default: $GUARANTOR_API_KEY)')
    .action(async (caseId: string, choice: string, opts: VoteOptions) => {
      const r = await sendVote(
        caseId,
        choice,
        { ...opts, apiKey: opts.apiKey ?? process.env['GUARANTOR_API_KEY'] },
        fetch as unknown as Fetch,
        Date.now(),
      );
      process.stdout.write(r.message + '\n');
      process.exitCode = r.ok ? 0 : 1;
    });
}

export async function sendVote(
  caseId: string,
  choice: string,
  opts: VoteOptions,
  doFetch: Fetch,
  now: number,
): Promise<{ ok: boolean; message: string; body?: unknown }> {
  if (!(choices as readonly string[]).includes(choice))
    throw new UsageError(`"${choice}" is not a vote; use ${choices.join(', ')}`);
  if (!opts.apiKey) throw new UsageError('no API key: pass --api-key or set GUARANTOR_API_KEY');
  const pem = readText(opts.key);
  const base = opts.to.replace(/\/+$/, '');
  const client = new HttpClient(base, doFetch, opts.apiKey);
  const path = `v1/cases/${encodeURIComponent(caseId)}`;

  const ballot = await client.request('GET', `${path}/ballot`);
  if (ballot.status !== 200)
    return {
      ok: false,
      message: `the server refused the ballot (${ballot.status}): ${errorText(ballot.body)}`,
      body: ballot.body,
    };
  const b = ballot.body as { package?: unknown; version?: unknown; member?: unknown };
  if (typeof b.package !== 'string' || typeof b.version !== 'string' || typeof b.member !== 'string')
    throw new UsageError(`${base} did not answer with a ballot`);

  let signed: SignedVote;
  try {
    signed = signVote(
      {
        type: VOTE_STATEMENT_TYPE,
        package: b.package,
        version: b.version,
        case: caseId,
        member: b.member,
        choice: choice as Choice,
        reason: opts.reason ?? '',
        time: new Date(now).toISOString(),
        nonce: randomBytes(16).toString('hex'),
      },
      pem,
    );
  } catch (e) {
    throw new UsageError(`cannot sign with ${opts.key}: ${(e as Error).message}`);
  }
  const r = await client.request('POST', `${path}/votes`, signed);
  if (r.status !== 200)
    return { ok: false, message: `vote rejected (${r.status}): ${errorText(r.body)}`, body: r.body };
  const j = (r.body as { judgment?: { status?: string; outcome?: { result?: string } } }).judgment;
  const state = j?.outcome?.result ? `the case is now ${j.outcome.result}` : 'judgment still open';
  return { ok: true, message: `vote recorded: ${b.member} ${choice} on ${caseId}; ${state}`, body: r.body };
}
