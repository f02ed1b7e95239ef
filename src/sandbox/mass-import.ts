import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { longerThan, maxStringLength, parseCsvCell, technicalAttributes } from "./attribute-rules.ts";
import { HttpError } from "./http-error.ts";
import { CsvSyntaxError, readCsv } from "./read-csv.ts";
import type { AttributeValue } from "./sandbox-seed.ts";
import type { MassImportJob } from "./mass-import-job.ts";
import type { TableState } from "./sandbox-state.ts";

const gunzipAsync = promisify(gunzip);
const rowsPerSlice = 5000;
/** Bigger than any honest 100 MB upload expands to; stops a gzip bomb. */
const maxInflatedBytes = 1 << 30;

type ImportMode = "UPDATE_ONLY" | "CREATE_UPDATE" | "CREATE_ONLY";
const modes: readonly ImportMode[] = ["UPDATE_ONLY", "CREATE_UPDATE", "CREATE_ONLY"];

/** The `definition` part, checked. */
export interface ImportDefinition {
  mode: ImportMode;
  keyColumn: string;
  separator: string;
  compression: "NONE" | "GZIP";
  tableId: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses the `definition` part; throws `400` with the reason. */
export function parseImportDefinition(text: string): ImportDefinition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "INVALID_DEFINITION", "definition is not valid JSON");
  }
  if (!isRecord(value)) throw new HttpError(400, "INVALID_DEFINITION", "definition must be a JSON object");
  const { mode, keyColumn, tableId } = value;
  const format = value.format ?? {};
  if (typeof mode !== "string" || !modes.includes(mode as ImportMode)) {
    throw new HttpError(400, "INVALID_DEFINITION", `definition.mode must be one of ${modes.join(", ")}`);
  }
  if (typeof keyColumn !== "string" || keyColumn === "") {
    throw new HttpError(400, "INVALID_DEFINITION", "definition.keyColumn must be a column name");
  }
  if (typeof tableId !== "string" && typeof tableId !== "number") {
    throw new HttpError(400, "INVALID_DEFINITION", "definition.tableId is required");
  }
  if (!isRecord(format))
    throw new HttpError(400, "INVALID_DEFINITION", "definition.format must be an object");
  const separator = format.separator ?? ";";
  if (typeof separator !== "string" || separator.length !== 1 || /["\r\n]/.test(separator)) {
    throw new HttpError(400, "INVALID_DEFINITION", "definition.format.separator must be one character");
  }
  const encoding = format.encoding ?? "UTF-8";
  if (encoding !== "UTF-8") {
    throw new HttpError(400, "INVALID_DEFINITION", "definition.format.encoding must be UTF-8");
  }
  const compression = format.compression ?? "NONE";
  if (compression !== "NONE" && compression !== "GZIP") {
    throw new HttpError(400, "INVALID_DEFINITION", "definition.format.compression must be NONE or GZIP");
  }
  return { mode: mode as ImportMode, keyColumn, separator, compression, tableId: String(tableId) };
}

/** A file that passed the synchronous checks, ready to run. */
export interface PreparedImport {
  /** The decoded CSV text, or the reason the whole file is refused (status FAILED). */
  text: string | { failed: string };
}

/**
 * The checks Actito makes before accepting a file: a BOM, a header naming unknown columns or
 * missing the key column, rows with another column count and values over 255 characters are
 * `400`. A file that cannot be inflated or decoded is accepted and then FAILED, as a file whose
 * processing breaks on the server side would be.
 */
export async function prepareImport(
  table: TableState,
  definition: ImportDefinition,
  file: Buffer,
): Promise<PreparedImport> {
  let bytes = file;
  if (definition.compression === "GZIP") {
    try {
      bytes = await gunzipAsync(file, { maxOutputLength: maxInflatedBytes });
    } catch {
      return { text: { failed: "the file is not valid gzip" } };
    }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new HttpError(
      400,
      "INVALID_FILE",
      "the file starts with a byte order mark (BOM); send UTF-8 without BOM",
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { text: { failed: "the file is not valid UTF-8" } };
  }
  checkCsv(table, definition, text);
  return { text };
}

function checkCsv(table: TableState, definition: ImportDefinition, text: string): void {
  const store = table.store;
  try {
    let columns = -1;
    for (const record of readCsv(text, definition.separator)) {
      if (columns < 0) {
        columns = record.fields.length;
        const seen = new Set<string>();
        for (const name of record.fields) {
          if (seen.has(name))
            throw new HttpError(400, "INVALID_FILE", `line 1: column ${name} appears twice`);
          seen.add(name);
          if (name !== "profileId" && (technicalAttributes.has(name) || !store.attribute(name))) {
            throw new HttpError(400, "INVALID_FILE", `line 1: unknown column ${name}`);
          }
        }
        if (!seen.has(definition.keyColumn)) {
          throw new HttpError(
            400,
            "INVALID_FILE",
            `line 1: the key column ${definition.keyColumn} is missing`,
          );
        }
        continue;
      }
      if (record.fields.length !== columns) {
        throw new HttpError(
          400,
          "INVALID_FILE",
          `line ${record.line}: ${record.fields.length} columns where the header has ${columns}`,
        );
      }
      for (const field of record.fields) {
        if (longerThan(field, maxStringLength)) {
          throw new HttpError(
            400,
            "INVALID_FILE",
            `line ${record.line}: a value is longer than ${maxStringLength} characters`,
          );
        }
      }
    }
    if (columns < 0) throw new HttpError(400, "INVALID_FILE", "the file has no header line");
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new HttpError(400, "INVALID_FILE", error.message);
    throw error;
  }
}

/** Checks that `keyColumn` can identify profiles: profileId or a unique attribute. */
export function checkKeyColumn(table: TableState, definition: ImportDefinition): void {
  const { keyColumn } = definition;
  if (keyColumn === "profileId") return;
  if (!table.store.attribute(keyColumn)) {
    throw new HttpError(400, "INVALID_DEFINITION", `keyColumn ${keyColumn} is not an attribute of the table`);
  }
  if (!table.store.isUnique(keyColumn)) {
    throw new HttpError(400, "INVALID_DEFINITION", `keyColumn ${keyColumn} is not a unique attribute`);
  }
}

/**
 * Applies the rows in slices, yielding to the event loop between them so the import is
 * observably RUNNING and the server keeps answering. Rows that break the table's rules are
 * rejected one by one with their line.
 */
export async function runImport(
  job: MassImportJob,
  table: TableState,
  definition: ImportDefinition,
  text: string,
  now: () => number,
): Promise<void> {
  const store = table.store;
  let header: string[] | undefined;
  let keyIndex = -1;
  let sliceRows = 0;
  const reject = (line: number, key: string, message: string) => {
    job.rejected++;
    table.stats.rowsRejected++;
    job.errors.push({ line, key, message });
  };
  for (const record of readCsv(text, definition.separator)) {
    if (!header) {
      header = record.fields;
      keyIndex = header.indexOf(definition.keyColumn);
      continue;
    }
    if (++sliceRows >= rowsPerSlice) {
      sliceRows = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    job.processed++;
    const key = record.fields[keyIndex]!;
    if (key === "") {
      reject(record.line, key, `the key column ${definition.keyColumn} is empty`);
      continue;
    }
    const values: Record<string, AttributeValue> = {};
    let problem: string | undefined;
    header.forEach((name, index) => {
      if (problem || name === "profileId") return;
      const parsed = parseCsvCell(store.attribute(name)!, record.fields[index]!);
      if (typeof parsed === "object" && parsed !== null) problem = parsed.error;
      else values[name] = parsed;
    });
    if (problem) {
      reject(record.line, key, problem);
      continue;
    }
    const keyValue = definition.keyColumn === "profileId" ? Number(key) : values[definition.keyColumn]!;
    const slot = store.findSlot(definition.keyColumn, keyValue);
    if (slot === undefined && definition.mode === "UPDATE_ONLY") {
      reject(record.line, key, "no profile has this key (UPDATE_ONLY never creates)");
      continue;
    }
    if (slot !== undefined && definition.mode === "CREATE_ONLY") {
      reject(record.line, key, "a profile with this key exists (CREATE_ONLY never updates)");
      continue;
    }
    if (slot === undefined && definition.keyColumn === "profileId") {
      reject(record.line, key, "no profile has this profileId, and profiles cannot be created by profileId");
      continue;
    }
    problem = store.checkWrite(values, slot);
    if (problem) {
      reject(record.line, key, problem);
      continue;
    }
    if (slot === undefined) {
      store.create(values, now());
      job.created++;
    } else {
      store.write(slot, values, now());
    }
    job.updated++;
    table.stats.rowsApplied++;
  }
  job.status = job.rejected > 0 ? "WITH_ERROR" : "SUCCESS";
}
