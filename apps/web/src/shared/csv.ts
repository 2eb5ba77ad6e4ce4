/**
 * RFC 4180 CSV reading for imports: quoted fields, doubled quotes, CRLF or LF line ends, a final line
 * without a line end. Runs in the browser (the file never travels whole to the server).
 */

export interface CsvRecord {
  /** 1-based line number where the record starts, for error reports. */
  line: number;
  cells: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a spreadsheet's byte order mark
  const endRecord = () => {
    cells.push(cell);
    // A blank line is no record.
    if (cells.length > 1 || cells[0] !== "") out.push({ line: start, cells });
    cells = [];
    cell = "";
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (cell !== "" || cells.length > 0) endRecord();
  return out;
}

/**
 * Records as objects keyed by the header row (lower-cased, trimmed). Unknown columns are kept;
 * missing cells are "".
 */
export function csvObjects(records: CsvRecord[]): {
  header: string[];
  rows: { line: number; values: Record<string, string> }[];
} {
  const [head, ...rest] = records;
  const header = (head?.cells ?? []).map((h) => h.trim().toLowerCase());
  return {
    header,
    rows: rest.map((r) => ({
      line: r.line,
      values: Object.fromEntries(header.map((h, i) => [h, (r.cells[i] ?? "").trim()])),
    })),
  };
}
