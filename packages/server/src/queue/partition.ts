// Events about one subject are analysed in the order they were accepted, however many workers run: each
// subject hashes (stably, the same in every process and on every machine) to one of P partitions, and a
// partition is worked by one worker at a time, in job order. P must be the same for every process.
export const DEFAULT_PARTITIONS = 64;

/** FNV-1a (32-bit) of platform, subject type and subject id, into [0, partitions). */
export function partitionOf(platform: string, subjectType: string, subjectId: string, partitions = DEFAULT_PARTITIONS): number {
  const s = `${platform}\u0000${subjectType}\u0000${subjectId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
