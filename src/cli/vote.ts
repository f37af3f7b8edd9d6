/**
 * `guarantor vote CASE declare|dismiss|abstain --member-key member.key --url URL --api-key KEY [--reason TEXT]`:
 * fetches the case's ballot (package, version, member) from the server, signs the vote statement with the member's
 * Ed25519 key (fresh 128-bit nonce, the local clock's time) and sends it. Exit 0 when the vote is recorded, 1 when
 * the server rejects it (the reason is printed), 2 on usage or I/O errors.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { choices, type Choice } from '../core/ops/index.js';
import { signVote, VOTE_STATEMENT_TYPE, type SignedVote } from '../core/ops/index.js';
import { readText } from '../package-files.js';
import { ApiClient, refusal, type Fetch } from './api-client.js';
import { shared } from './options.js';
import { UsageError } from './usage-error.js';

export interface VoteOptions {
  memberKey: string;
  url: string;
  reason?: string;
  apiKey?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('vote')
    .description('sign a vote on a breach case with your member key and send it to the server')
    .argument('<case>', 'case id')
    .argument('<choice>', choices.join('|'))
    .option('-r, --reason <text>', 'reason for the record');
  shared(cmd, {
    memberKey: { required: true, aliases: ['-k, --key'] },
    url: { required: true, aliases: ['-t, --to'] },
    apiKey: { required: true, note: 'one with the member role, for your member' },
  }).action(async (caseId: string, choice: string, opts: VoteOptions) => {
    const r = await sendVote(caseId, choice, opts, fetch as unknown as Fetch, Date.now());
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
  const pem = readText(opts.memberKey);
  const api = new ApiClient(opts.url, doFetch, opts.apiKey);
  const path = { id: caseId };

  const ballot = await api.call('getCasesByIdBallot', { path });
  if (ballot.status !== 200)
    return { ok: false, message: `the server refused the ballot (${refusal(ballot)})`, body: ballot.body };
  // The client checked the answer against the document: a ballot has its package, version and member.
  const b = ballot.body;

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
    throw new UsageError(`cannot sign with ${opts.memberKey}: ${(e as Error).message}`);
  }
  const r = await api.call('postCasesByIdVotes', { path, body: signed });
  if (r.status !== 200) return { ok: false, message: `vote rejected (${refusal(r)})`, body: r.body };
  const outcome = r.body.judgment.outcome;
  const state = outcome ? `the case is now ${outcome.result}` : 'judgment still open';
  return { ok: true, message: `vote recorded: ${b.member} ${choice} on ${caseId}; ${state}`, body: r.body };
}
