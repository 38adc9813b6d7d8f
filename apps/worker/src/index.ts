export { startWorkers, type RunningWorkers } from './worker.js';
export { loadWorkerConfig, type WorkerConfig } from './config.js';
