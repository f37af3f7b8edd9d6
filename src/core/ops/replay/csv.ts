/**
 * RFC 4180 CSV: fields separated by commas, optionally double-quoted, quotes inside doubled, line breaks inside
 * quotes kept; CRLF or LF line ends. One pass over the text, no regular expressions in the loop.
 */

export interface CsvTable {
  header: string[];
  /** Data rows; `line` is the 1-based line where the row starts, for error messages. */
  rows: { line: number; fields: string[] }[];
}

export function parseCsv(text: string): CsvTable {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let rowLine = 1;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let quoted = false;
  let any = false;
  while (i < n) {
    if (quoted) {
      const q = text.indexOf('"', i);
      const end = q === -1 ? n : q;
      const chunk = text.slice(i, end);
      for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
      field += chunk;
      if (q === -1) {
        i = n;
        break;
      }
      if (text.charCodeAt(q + 1) === 34) {
        field += '"';
        i = q + 2;
      } else {
        quoted = false;
        i = q + 1;
      }
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 34 && field === '') {
      quoted = true;
      any = true;
      i++;
    } else if (c === 44) {
      fields.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === 10 || c === 13) {
      if (any || field !== '') {
        fields.push(field);
        rows.push({ line: rowLine, fields });
      }
      fields = [];
      field = '';
      any = false;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      i++;
      line++;
      rowLine = line;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13 || d === 34) break;
        j++;
      }
      field += text.slice(i, j);
      any = true;
      i = j;
    }
  }
  if (any || field !== '') {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  const header = rows.shift()?.fields ?? [];
  return { header, rows };
}

/** Column index by name; throws for a missing column (the file is not what the caller said it was). */
export function columns<K extends string>(
  header: readonly string[],
  names: readonly K[],
  what: string,
): Record<K, number> {
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const name of names) {
    const i = header.indexOf(name);
    if (i < 0) missing.push(name);
    out[name] = i;
  }
  if (missing.length)
    throw new CsvFormatError(`not ${what}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return out;
}

/** The input file is not of the expected format (an I/O-level problem: the whole file is refused). */
export class CsvFormatError extends Error {}
