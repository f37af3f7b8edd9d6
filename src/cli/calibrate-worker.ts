/** A calibration worker thread: runs one experiment per message and answers with its collapse count. */
import { parentPort } from 'node:worker_threads';
import { runExperiment, type ExperimentSpec } from '../core/sim/experiment.js';

parentPort!.on('message', (msg: { id: number; spec: ExperimentSpec }) => {
  const r = runExperiment(msg.spec);
  parentPort!.postMessage({
    id: msg.id,
    collapses: r.strategies.reduce((s, x) => s + x.outcomes.collapse.count, 0),
    runs: r.strategies.reduce((s, x) => s + x.runs, 0),
  });
});
