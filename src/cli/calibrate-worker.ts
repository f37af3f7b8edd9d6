/** A calibration worker thread: runs one experiment per message and answers with its collapse count. */
import { parentPort } from 'node:worker_threads';
import { runExperiment, type ExperimentSpec } from '../core/sim/experiment.js';

const port = parentPort;
if (!port) throw new Error('calibrate-worker runs in a worker thread, not as a main program');
port.on('message', (msg: { id: number; spec: ExperimentSpec }) => {
  const r = runExperiment(msg.spec);
  port.postMessage({
    id: msg.id,
    collapses: r.strategies.reduce((s, x) => s + x.outcomes.collapse.count, 0),
    runs: r.strategies.reduce((s, x) => s + x.runs, 0),
  });
});
