/** One CSV record and the line (1-based) it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A CSV file that does not parse as RFC 4180; `line` is where the problem was found. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

const quote = 34;
const lineFeed = 10;
const carriageReturn = 13;

/**
 * Reads RFC 4180 CSV lazily, record by record, so a 100 MB file is walked without holding every
 * row. Quoted fields may hold separators, doubled quotes and line breaks. Blank lines are skipped.
 * Throws CsvSyntaxError on an unterminated quote or text after a closing quote.
 */
export function* readCsv(text: string, separator: string): Generator<CsvRecord, void, void> {
  const sep = separator.charCodeAt(0);
  const length = text.length;
  let pos = 0;
  let line = 1;
  while (pos < length) {
    const start = line;
    const fields: string[] = [];
    let quotedSeen = false;
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === quote) {
        quotedSeen = true;
        pos++;
        value = "";
        for (;;) {
          const close = text.indexOf('"', pos);
          if (close < 0) throw new CsvSyntaxError(start, "a quoted field is not closed");
          const chunk = text.slice(pos, close);
          for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) line++;
          value += chunk;
          if (text.charCodeAt(close + 1) === quote) {
            value += '"';
            pos = close + 2;
          } else {
            pos = close + 1;
            break;
          }
        }
        const next = text.charCodeAt(pos);
        if (pos < length && next !== sep && next !== lineFeed && next !== carriageReturn) {
          throw new CsvSyntaxError(line, "unexpected text after a closing quote");
        }
      } else {
        let end = pos;
        for (; end < length; end++) {
          const c = text.charCodeAt(end);
          if (c === sep || c === lineFeed || c === carriageReturn) break;
        }
        value = text.slice(pos, end);
        pos = end;
      }
      fields.push(value);
      const c = text.charCodeAt(pos);
      if (c === sep) {
        pos++;
        continue;
      }
      if (c === carriageReturn) pos++;
      if (text.charCodeAt(pos) === lineFeed) pos++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === "" && !quotedSeen) continue;
    yield { line: start, fields };
  }
}
