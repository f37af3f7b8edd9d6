/** A simulation worker thread: builds a Simulator from the experiment it is given, then runs tasks on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { Simulator, type ExperimentSpec, type Task } from '../core/sim/experiment.js';

const sim = new Simulator(workerData as ExperimentSpec);
const port = parentPort;
if (!port) throw new Error('simulate-worker runs in a worker thread, not as a main program');
port.on('message', (task: Task) => {
  const records = sim.runTask(task);
  port.postMessage({ task, records }, [records.buffer as ArrayBuffer]);
});
