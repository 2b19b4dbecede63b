// Files in the data directory hold reported plaintext (vigil.db and its WAL) and key material
// (vault, PSI and relay keys): Vigil creates them owner-only (files 0600, the directory 0700) and
// warns at start-up about existing ones that others can read.
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) owner-only; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates an empty file owner-only unless it exists; true when it was created. The mode is given
 * to open(2) itself, so there is no moment at which the file is readable by others.
 */
export function createPrivateFile(path: string): boolean {
  ensurePrivateDir(dirname(path));
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Writes a secret file once (owner-only); an existing file is kept. */
export function writeSecretFileOnce(path: string, content: string): void {
  ensurePrivateDir(dirname(path));
  try {
    writeFileSync(path, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The sensitive paths of a data directory: the directory, the SQLite database with its WAL/SHM, the key files. */
export function sensitivePaths(dataDir: string, sqlitePath?: string): string[] {
  const db = sqlitePath ? [sqlitePath, `${sqlitePath}-wal`, `${sqlitePath}-shm`, `${sqlitePath}-journal`] : [];
  return [dataDir, ...db, ...['vault-keys.json', 'psi-keys.json', 'relay-keys.json'].map((f) => join(dataDir, f))];
}

export interface LoosePermission {
  path: string;
  /** Octal permission bits, e.g. "644". */
  mode: string;
  fix: string;
}

/** Existing paths among `paths` that group or others can access. */
export function loosePermissions(paths: string[]): LoosePermission[] {
  const out: LoosePermission[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const st = statSync(path);
    if ((st.mode & 0o077) === 0) continue;
    const mode = (st.mode & 0o777).toString(8);
    out.push({ path, mode, fix: `chmod ${st.isDirectory() ? '700' : '600'} ${path}` });
  }
  return out;
}
