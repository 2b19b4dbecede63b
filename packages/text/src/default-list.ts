import raw from '../terms/default.json' with { type: 'json' };
import { parseTermList } from './list.ts';

/** The seed list: only publicly reported coded terms and trading words. */
export const DEFAULT_TERM_LIST = parseTermList(raw);
