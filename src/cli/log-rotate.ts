/**
 * `guarantor log rotate-key`: hands the transparency log over to a new key (docs/tlog.md, "Rotating the key"). The
 * new key is written beside the old file first (`<file>.next`, 0600), then the handover is logged (signed by the
 * old key, accepted by the new) with the old key's last checkpoint, and only then does the new key replace the old
 * file: a crash at any point leaves a key that can sign for the log. Servers still running with the old key stop
 * signing once the handover is logged; restart them with the key file.
 */
import { renameSync, rmSync } from 'node:fs';
import { ManualClock } from '../core/ops/index.js';
import { logKeyCarryOut, newLogKeyPem, parseLogKey, readLogKeyFile, writeLogKeyFile } from '../log-key-file.js';
import { LogService, logOrigin } from '../server/transparency-log.js';
import { describeDb, openStore } from '../store/open.js';

export async function rotateLogKey(
  db: string,
  keyFile: string,
  now: number,
): Promise<{ index: number; from: string; to: string; warning?: string }> {
  const store = await openStore(db, {
    carryOut: { '0010-tlog-key-out': logKeyCarryOut({ path: keyFile, given: undefined }, describeDb(db)) },
  });
  const next = `${keyFile}.next`;
  try {
    const current = readLogKeyFile(keyFile);
    const svc = new LogService(store.transparencyLog(), new ManualClock(now), current.origin ?? logOrigin('log'), {
      key: current,
    });
    const { origin } = await svc.key();
    const pem = newLogKeyPem();
    writeLogKeyFile(next, pem, origin, false);
    // rotate() throws only before the handover is logged; after, the new key must survive whatever happens.
    let r;
    try {
      r = await svc.rotate(parseLogKey(pem, next).privateKey);
    } catch (e) {
      rmSync(next, { force: true });
      throw e;
    }
    renameSync(next, keyFile);
    return r;
  } finally {
    await store.close();
  }
}
