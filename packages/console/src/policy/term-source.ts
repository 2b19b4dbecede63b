// The term list as the editor shows it: JSON with one term (and one combination) per line, so a problem is
// a line and a diff between versions is a list of changed terms. Problems from the JSON parser and from the
// server (by path, `terms.12.kind`) are placed at their line and column with jsonc-parser.
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { lineColumnAt } from './text-position.ts';

export interface LineProblem {
  line: number;
  column: number;
  message: string;
}

const ONE_PER_LINE = new Set(['terms', 'combinations']);

/** Formats a stored list for editing (the version is assigned by the server on save, so it is left out). */
export function formatList(list: Record<string, unknown>): string {
  const keys = Object.keys(list).filter((k) => k !== 'version');
  const body = keys.map((k) => {
    const v = list[k];
    if (ONE_PER_LINE.has(k) && Array.isArray(v))
      return `  ${JSON.stringify(k)}: [\n${v.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
    return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  });
  return `{\n${body.join(',\n')}\n}\n`;
}

const SYNTAX: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a number',
  PropertyNameExpected: 'a quoted property name was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'nothing may follow the list',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'invalid character in a string',
};

/** Parses the editor's text; JSON mistakes come back at their line and column. */
export function parseSource(text: string): { value?: Record<string, unknown>; problems: LineProblem[] } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length) {
    return {
      problems: errors.slice(0, 20).map((e) => ({
        ...lineColumnAt(text, e.offset),
        message: `JSON: ${SYNTAX[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error)}`,
      })),
    };
  }
  if (tree?.type !== 'object')
    return {
      problems: [{ line: 1, column: 1, message: 'The list must be a JSON object ({ "name": …, "terms": [ … ] }).' }],
    };
  return { value: JSON.parse(text) as Record<string, unknown>, problems: [] };
}

/** Places the server's problems (`{path, message}`) at the line of the value they name, or its nearest parent. */
export function placeProblems(text: string, details: { path: string; message: string }[]): LineProblem[] {
  const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  return details.map((d) => {
    const path = d.path === '(root)' ? [] : d.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let at = { line: 1, column: 1 };
    for (let n = path.length; tree && n >= 0; n--) {
      const node = findNodeAtLocation(tree, path.slice(0, n));
      if (node) {
        at = lineColumnAt(text, node.offset);
        break;
      }
    }
    return { ...at, message: `${describePath(path)}: ${d.message}` };
  });
}

/** `terms.12.kind` in words: "term 13, kind". */
function describePath(path: (string | number)[]): string {
  if (!path.length) return 'The list';
  const words: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    const next = path[i + 1];
    if (typeof next === 'number' && (p === 'terms' || p === 'combinations')) {
      words.push(`${p === 'terms' ? 'term' : 'combination'} ${next + 1}`);
      i++;
    } else words.push(typeof p === 'number' ? `item ${p + 1}` : p);
  }
  const s = words.join(', ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
