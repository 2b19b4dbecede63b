// Coded terms on the surfaces that are never encrypted: usernames, display names, bios, group names and
// descriptions. Each hit becomes a `text.term` signal carrying its own explanation.
import { detect, type Surface } from '@vigil/text';
import type { Analyser, Finding } from './signals.ts';
import { SEVERITY } from './signals.ts';
import { currentTermList } from './term-lists.ts';

export const textAnalyser: Analyser = async ({ trx, event, batch }) => {
  const probes: { subjectType: string; subjectId: string; surface: Surface; text: string | null | undefined }[] = [];
  if (event.type === 'account.created' || event.type === 'account.updated') {
    const a = event.account;
    probes.push(
      { subjectType: 'account', subjectId: a.id, surface: 'username', text: a.username },
      { subjectType: 'account', subjectId: a.id, surface: 'display_name', text: a.display_name },
      { subjectType: 'account', subjectId: a.id, surface: 'bio', text: a.bio },
    );
  }
  if (event.type === 'group.created' || event.type === 'group.updated') {
    const g = event.group;
    probes.push(
      { subjectType: 'group', subjectId: g.id, surface: 'group_name', text: g.name },
      { subjectType: 'group', subjectId: g.id, surface: 'group_description', text: g.description },
    );
  }
  if (!probes.some((p) => p.text)) return [];
  const list = batch ? await batch.once('text:term-list', () => currentTermList(trx)) : await currentTermList(trx);
  if (!list) return [];
  const out: Finding[] = [];
  for (const p of probes) {
    if (!p.text) continue;
    for (const h of detect(p.text, p.surface, list).hits) {
      out.push({
        // The list declares each combination's severity; the summary is the detector's own explanation.
        subjectType: p.subjectType,
        subjectId: p.subjectId,
        kind: 'text.term',
        severity: SEVERITY[h.severity],
        summary: `${p.surface.replace(/_/g, ' ')}: ${h.explanation}`,
        evidence: {
          term: h.term,
          category: h.category,
          surface: p.surface,
          original: h.original,
          span: h.span,
          normalised: h.normalised,
          steps: h.steps,
          context: h.context,
          combination: h.combination,
          score: h.score,
          weight: h.weight,
          domain: h.domain,
          list_version: list.version,
          text: p.text,
        },
        key: `${p.surface}:${h.term}:${h.span.start}`,
      });
    }
  }
  return out;
};
