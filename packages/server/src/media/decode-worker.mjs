// Entry of a decode worker thread: the server runs its TypeScript through tsx, whose loader hooks
// are not active in worker threads on Node 20, so they are registered here before the worker loads.
import { register } from 'tsx/esm/api';

register();
await import('./decode-worker.ts');
