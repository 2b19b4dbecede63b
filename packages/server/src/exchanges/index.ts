// Hash exchanges' public face: fetchers, the fetch loop, the shared-bank feed.
// Other modules, the routes and the wiring import from here only (checked by .dependency-cruiser.cjs).
export { runExchange, startExchangeLoop, type RunResult } from './runner.ts';
export { receiveConfirmations, sharedFeed } from './shared-feed.ts';
export {
  createExchange,
  deleteExchange,
  EXCHANGE_TYPES,
  exchangeJson,
  exchangeUpdate,
  getExchange,
  staleAfterDays,
  updateExchange,
} from './store.ts';
