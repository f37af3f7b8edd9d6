/** A YAML document with exact locations: finds the span of the key or value at a path of the model. */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Position, Span } from '../diagnostics/diagnostic.js';

export type Path = readonly (string | number)[];

export interface Located {
  key?: YamlNode;
  value?: YamlNode | null;
}

export class SourceFile {
  readonly lineCounter = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
  }

  position(offset: number): Position {
    const p = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: p.line, column: p.col };
  }

  spanOfRange(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  spanOfNode(node: YamlNode | null | undefined): Span | undefined {
    if (!node || !node.range) return undefined;
    return this.spanOfRange(node.range[0], node.range[1]);
  }

  /** The key and value nodes at a path; stops at the deepest node that exists. */
  locate(path: Path): { found: Located; depth: number } {
    let current: unknown = this.doc.contents;
    let found: Located = { value: this.doc.contents as YamlNode | null };
    let depth = 0;
    for (const seg of path) {
      if (isMap(current)) {
        const pair = current.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) break;
        found = { key: pair.key as YamlNode, value: pair.value as YamlNode | null };
        current = pair.value;
      } else if (isSeq(current) && typeof seg === 'number') {
        const item = current.items[seg] as YamlNode | undefined;
        if (item === undefined) break;
        found = { value: item };
        current = item;
      } else break;
      depth++;
    }
    return { found, depth };
  }

  /** The text of the mapping key whose span contains `offset` (for the parser's duplicate-key errors). */
  keyAt(offset: number): string {
    let key = '';
    const visit = (node: unknown) => {
      if (isMap(node)) {
        for (const p of node.items) {
          if (!isPair(p)) continue;
          const k = p.key as { range?: [number, number, number] } | null;
          if (k?.range && k.range[0] <= offset && offset <= k.range[1]) key = keyText(p.key);
          visit(p.value);
        }
      } else if (isSeq(node)) {
        for (const i of node.items) visit(i);
      }
    };
    visit(this.doc.contents);
    return key || 'this key';
  }

  /**
   * Where a finding about `path` should point: the value when it exists, else the key, else the deepest
   * enclosing key; `prefer: 'key'` points at the key (for unknown or duplicate fields).
   */
  span(path: Path, prefer: 'value' | 'key' = 'value'): Span {
    const { found } = this.locate(path);
    const order = prefer === 'key' ? [found.key, found.value] : [found.value, found.key];
    for (const n of order) {
      const s = this.spanOfNode(n);
      if (s) return s;
    }
    return this.spanOfRange(0, 0);
  }
}

export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}
