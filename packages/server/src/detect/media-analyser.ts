// Media matching on the unencrypted surfaces: shared media, profile photos and group photos are
// looked up in every enabled bank; each match becomes a `media.match` signal that explains itself.
import type { Analyser, Finding } from './signals.ts';
import { SEVERITY } from './signals.ts';
import type { BankIndex } from '../media/index.ts';
import { frameProbes, imageProbes, lookupProbes, type ImageQuery } from '../media/index.ts';
import type { RemoteFrame } from '../media/index.ts';

// Media Vigil fetched and hashed itself also carries its dihedral hashes and robust views, or a video's frames (remote-hash.ts).
type Hashes = (ImageQuery & { pdq?: string; md5?: string; sha256?: string; frames?: RemoteFrame[] }) | null | undefined;

export function mediaMatchAnalyser(index: BankIndex, threshold: number): Analyser {
  return async ({ trx, event }) => {
    const probes: { subjectType: string; subjectId: string; surface: string; hashes: Hashes }[] = [];
    if (event.type === 'media.shared')
      probes.push({
        subjectType: event.account_id ? 'account' : event.group_id ? 'group' : 'media',
        subjectId: event.account_id ?? event.group_id ?? event.media.id,
        surface: event.surface,
        hashes: event.media,
      });
    if (event.type === 'account.created' || event.type === 'account.updated')
      probes.push({
        subjectType: 'account',
        subjectId: event.account.id,
        surface: 'avatar',
        hashes: event.account.avatar,
      });
    if (event.type === 'group.created' || event.type === 'group.updated')
      probes.push({
        subjectType: 'group',
        subjectId: event.group.id,
        surface: 'group_avatar',
        hashes: event.group.avatar,
      });
    if (!probes.some((p) => p.hashes)) return [];
    const out: Finding[] = [];
    for (const p of probes) {
      if (!p.hashes) continue;
      const r = await lookupProbes(trx, index, [
        ...imageProbes(p.hashes, threshold),
        ...frameProbes(p.hashes.frames ?? [], threshold),
      ]);
      for (const m of r.matches) {
        out.push({
          subjectType: p.subjectType,
          subjectId: p.subjectId,
          kind: 'media.match',
          severity: SEVERITY.critical,
          summary: `${p.surface} ${m.signalType === 'pdq' ? `${m.view ? `(view ${m.view}) ` : ''}${m.transform && m.transform !== 'identity' ? `(${m.transform}) ` : ''}is ${m.distance} bits from` : 'is identical to'} an entry of bank ${m.bank}`,
          evidence: {
            surface: p.surface,
            bank: m.bank,
            signal_type: m.signalType,
            distance: m.distance,
            hash: m.value,
            entry_id: m.entryId,
            ...(m.transform ? { transform: m.transform } : {}),
            ...(m.view ? { view: m.view } : {}),
            ...(m.frame === undefined ? {} : { frame: m.frame }),
            entry_source: m.source,
            entry_external_id: m.externalId,
            entry_tags: m.tags,
            media_id: event.type === 'media.shared' ? event.media.id : null,
            // The subject's own hashes: a confirmed decision adds these to the confirmed bank.
            subject_hashes: { pdq: p.hashes.pdq ?? null, md5: p.hashes.md5 ?? null, sha256: p.hashes.sha256 ?? null },
          },
          key: `${p.surface}:${m.entryId}`,
        });
      }
    }
    return out;
  };
}
