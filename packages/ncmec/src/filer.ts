// Filing a report end to end — submit, upload each file, fileinfo, finish — with every step
// recorded in a journal first, so a crash resumes where it stopped.
//
// Why resuming never files twice: NCMEC files a report only at `finish`; a report that is opened
// but never finished is deleted by NCMEC (24 h after opening or 1 h after its last change,
// whichever is later). So a submit whose answer was lost is simply submitted again — the orphan
// expires unfiled — and a finish whose answer was lost is sent again: "already finished" (5102)
// counts as success.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CyberTiplineClient } from './client.ts';
import type { FileDetails, Report } from './model.ts';

export interface FilingFile {
  /** Stable id of the file within this filing (e.g. the vault item id). */
  key: string;
  name: string;
  bytes: () => Promise<Uint8Array>;
  details: Omit<FileDetails, 'reportId' | 'fileId'>;
}

export interface FilingState {
  localId: string;
  phase: 'submitting' | 'open' | 'finished' | 'retracted';
  reportId: number | null;
  openedAt: string | null;
  lastChangeAt: string | null;
  files: Record<string, { fileId?: string; md5?: string; detailsSent?: boolean }>;
  /** Reports NCMEC deleted unfinished before we could finish them (resubmitted since). */
  expiredReportIds: number[];
}

/** Where filing progress lives. Vigil's server keeps it in its database; the CLI in files. */
export interface FilingJournal {
  load(localId: string): Promise<FilingState | null>;
  save(state: FilingState): Promise<void>;
}

const DAY = 86_400_000,
  HOUR = 3_600_000;

/** When NCMEC deletes an open report: 24 h after opening or 1 h after the last change, whichever is later. */
export function expiresAt(s: Pick<FilingState, 'openedAt' | 'lastChangeAt'>): number {
  return Math.max(Date.parse(s.openedAt!) + DAY, Date.parse(s.lastChangeAt ?? s.openedAt!) + HOUR);
}

export async function fileReport(
  client: CyberTiplineClient,
  journal: FilingJournal,
  o: { localId: string; report: Report; files: FilingFile[]; now?: () => Date },
): Promise<FilingState> {
  const now = o.now ?? (() => new Date());
  let s: FilingState = (await journal.load(o.localId)) ?? {
    localId: o.localId,
    phase: 'submitting',
    reportId: null,
    openedAt: null,
    lastChangeAt: null,
    files: {},
    expiredReportIds: [],
  };
  if (s.phase === 'finished' || s.phase === 'retracted') return s;
  const save = async (change: Partial<FilingState>) => {
    s = { ...s, ...change };
    await journal.save(s);
  };
  if (s.phase === 'open' && s.reportId !== null && now().getTime() >= expiresAt(s)) {
    // NCMEC has deleted it unfinished: start over with a new report.
    await save({
      phase: 'submitting',
      expiredReportIds: [...s.expiredReportIds, s.reportId],
      reportId: null,
      openedAt: null,
      lastChangeAt: null,
      files: {},
    });
  }
  if (s.phase === 'submitting') {
    await journal.save(s); // the intent is on record before anything reaches NCMEC
    const reportId = await client.submit(o.report);
    const t = now().toISOString();
    await save({ phase: 'open', reportId, openedAt: t, lastChangeAt: t, files: {} });
  }
  const reportId = s.reportId!;
  for (const f of o.files) {
    const done = s.files[f.key] ?? {};
    if (!done.fileId) {
      const up = await client.upload(reportId, { name: f.name, bytes: await f.bytes() });
      await save({
        files: { ...s.files, [f.key]: { fileId: up.fileId, ...(up.md5 ? { md5: up.md5 } : {}) } },
        lastChangeAt: now().toISOString(),
      });
    }
    const cur = s.files[f.key]!;
    if (!cur.detailsSent) {
      await client.fileinfo({ ...f.details, reportId, fileId: cur.fileId! });
      await save({ files: { ...s.files, [f.key]: { ...cur, detailsSent: true } }, lastChangeAt: now().toISOString() });
    }
  }
  await client.finish(reportId);
  await save({ phase: 'finished' });
  return s;
}

/** Withdraws a report that is not finished yet. */
export async function retractFiling(
  client: CyberTiplineClient,
  journal: FilingJournal,
  localId: string,
): Promise<FilingState | null> {
  const s = await journal.load(localId);
  if (!s || s.phase !== 'open' || s.reportId === null) return s;
  await client.retract(s.reportId);
  const next = { ...s, phase: 'retracted' as const };
  await journal.save(next);
  return next;
}

/** A journal of JSON files, one per filing, replaced atomically (write, then rename). */
export class FileJournal implements FilingJournal {
  constructor(private readonly dir: string) {}
  private path(id: string) {
    return join(this.dir, `${encodeURIComponent(id)}.json`);
  }
  async load(localId: string): Promise<FilingState | null> {
    try {
      return JSON.parse(await readFile(this.path(localId), 'utf8')) as FilingState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
  async save(state: FilingState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const p = this.path(state.localId);
    await writeFile(`${p}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${p}.tmp`, p);
  }
}
