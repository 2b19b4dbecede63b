// The filing journal conformance suite against FileJournal (one JSON file per filing, as the CLI keeps them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../src/index.ts';
import { journalConformance } from './journal-conformance.ts';

journalConformance('FileJournal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-journal-'));
  return {
    journal: () => new FileJournal(dir),
    restart: async () => {}, // nothing is held open: every instance reads the directory afresh
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
