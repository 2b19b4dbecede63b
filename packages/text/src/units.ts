// Text as a list of units, each remembering the span of the original text it came from and which
// normalisation steps changed it, so every hit can point back at what the user actually wrote.
export interface Unit {
  ch: string;
  start: number;
  end: number;
  steps: string[];
}

export function toUnits(text: string): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  for (const ch of text) {
    units.push({ ch, start: i, end: i + ch.length, steps: [] });
    i += ch.length;
  }
  return units;
}

export const unitsText = (u: Unit[]) => u.map((x) => x.ch).join('');

/** A step maps units to units; `removed` collects the spans of units it dropped, for explanations. */
export type Step = (units: Unit[], removed: { step: string; start: number; end: number }[]) => Unit[];

export function mark(u: Unit, step: string, ch: string): Unit {
  return { ch, start: u.start, end: u.end, steps: u.steps.includes(step) ? u.steps : [...u.steps, step] };
}
