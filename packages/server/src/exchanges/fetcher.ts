// What every exchange fetcher yields: pages of updates, each with the checkpoint to store once the
// page is committed. A fetch that dies mid-way resumes from the last committed checkpoint.
import type { SignalType } from '../media/index.ts';

export type Update =
  | {
      signal_type: SignalType;
      value: string;
      /** The source's id for the item that carries this hash (an NCMEC entry, a ThreatExchange indicator). */
      external_id?: string;
      tags?: string[];
      note?: string;
      /** The source withdrew this hash (from this item, when external_id is given). */
      deleted?: boolean;
    }
  /** The source withdrew an item by id alone (NCMEC does not repeat a deleted entry's fingerprints). */
  | {
      external_id: string;
      deleted: true;
      signal_type?: undefined;
      value?: undefined;
      tags?: undefined;
      note?: undefined;
    };

export interface Page {
  updates: Update[];
  checkpoint: unknown;
  /** The page is the whole list: this exchange's entries missing from it are removed. */
  replaceAll?: boolean;
}

export interface Fetcher {
  fetch(checkpoint: unknown, signal: AbortSignal): AsyncIterable<Page>;
}

export interface FetchEnv {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  now: () => Date;
}
