// Positions in an editor's text: a line and column for an offset, the offset where a line starts, and a
// textarea's caret moved to a line (so "go to line 12" works from the keyboard).
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export function selectLine(area: HTMLTextAreaElement | null, line: number, column = 1): void {
  if (!area) return;
  const lines = area.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i]!.length + 1;
  const end = start + (lines[line - 1]?.length ?? 0);
  area.focus();
  area.setSelectionRange(Math.min(start + column - 1, end), end);
  // Bring the line into view: the textarea scrolls to the selection only in some browsers.
  const lh = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 3) * lh);
}

/** The offending line with a caret under the column, as a compiler would print it. */
export function caretLine(text: string, line: number, column: number): string {
  const l = text.split('\n')[line - 1] ?? '';
  return `${l}\n${' '.repeat(Math.max(0, column - 1))}^`;
}
