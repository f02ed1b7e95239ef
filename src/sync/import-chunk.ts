import { randomUUID } from "node:crypto";
import { ActitoApiError, ImportOutcomeUnknownError, RateLimitedError } from "../actito/errors.ts";
import { awaitImportResult } from "./await-import-result.ts";
import { errorMessage } from "./error-message.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import type { PageOfWrites } from "./open-listing.ts";
import { importHeader, importLines, importSeparator, pageFitsInFile } from "./import-file-lines.ts";
import type { ReaidWrite } from "./reaid-write.ts";
import {
  addImportRows,
  announceImport,
  completeImportFile,
  importSettled,
  importSubmitted,
  type InFlight,
  type RunState,
  type SaveRunState,
} from "./sync-run-state.ts";
import { importFileCap, utcDay } from "./write-strategy.ts";

/** How one mass import ended; anything but `committed` makes the run rewind to the chunk's start. */
export type ChunkOutcome =
  | {
      kind: "committed";
      /** Listing cursor after the file's last page. */
      cursor: string | null;
      /** Rows of the page that did not fit in the file: they start the next one. */
      overflow: ReaidWrite[];
      /** Cursor before the overflow page, where the next chunk starts. */
      overflowStart: string | null;
      /** Cursor after the overflow page. */
      overflowEnd: string | null;
    }
  | { kind: "quota"; reason: string }
  | { kind: "failed"; reason: string };

/** The chunk one mass import writes: rows already read, then as many further pages as fit. */
export interface Chunk {
  /** Rows read before the file was started (at least the PATCH threshold, or the last rows). */
  buffer: readonly ReaidWrite[];
  /** Cursor where the chunk's rows begin. */
  start: string | null;
  /** Cursor after the page the buffer's last row came from. */
  bufferEnd: string | null;
  readPage: () => Promise<PageOfWrites | null>;
  /** ProfileIds of rows being retried: their rejection records are cleared once the import takes them. */
  retryRefs: ReadonlySet<string>;
}

/**
 * Streams the chunk into one mass-import file (cut before the size limit), submits it, waits for its
 * result and records rejections.
 *
 * The checkpoint protocol: the quota slot is reserved and the import announced in the checkpoint
 * before the file is posted, its id is checkpointed as soon as Actito answers, and the file's end
 * cursor once it is complete. A run killed at any of those points therefore knows whether to wait
 * for an id or to recover an import whose answer was lost (see resumeInFlight), and never posts the
 * same rows twice blindly.
 */
export async function importChunk(
  ctx: IntegrationSyncContext,
  run: RunState,
  chunk: Chunk,
  save: SaveRunState,
): Promise<ChunkOutcome> {
  const { store, api, target, account } = ctx;
  const reservation = `reserved:${randomUUID()}`;
  await store.recordImport(target.quotaKey, utcDay(ctx.now()), reservation);
  const flight: InFlight = {
    reservation,
    startCursor: chunk.start,
    endCursor: null,
    listingDone: false,
    complete: false,
    rows: 0,
    id: null,
    startedAt: ctx.now().toISOString(),
    completedAt: null,
  };
  announceImport(run, flight);
  await save(run, chunk.start);

  const cap = importFileCap(ctx.limits);
  const chunkRefs = new Set<string>();
  let overflow: ReaidWrite[] = [];
  let overflowStart: string | null = null;
  let overflowEnd: string | null = null;
  const lines = (rows: readonly ReaidWrite[]) => {
    for (const row of rows) {
      const id = String(row.profileId);
      if (chunk.retryRefs.has(id)) chunkRefs.add(id);
    }
    return importLines(rows);
  };
  async function* csv(): AsyncGenerator<string> {
    const header = importHeader(target.keyColumn, target.reaidAttribute);
    let bytes = Buffer.byteLength(header);
    yield header;
    const first = lines(chunk.buffer);
    bytes += Buffer.byteLength(first);
    addImportRows(flight, chunk.buffer.length);
    yield first;
    let end = chunk.bufferEnd;
    while (true) {
      const page = await chunk.readPage();
      if (!page) break;
      const text = lines(page.rows);
      const size = Buffer.byteLength(text);
      if (!pageFitsInFile(bytes, size, cap)) {
        // This page starts the next file; a crash re-reads it from the cursor before it.
        overflow = page.rows;
        overflowStart = end;
        overflowEnd = page.after;
        break;
      }
      bytes += size;
      addImportRows(flight, page.rows.length);
      end = page.after;
      if (text !== "") yield text;
    }
    completeImportFile(run, flight, end, ctx.now());
    await save(run, chunk.start);
  }

  let submitted: { id: string; bytes: number };
  try {
    submitted = await api.startMassImport(
      target.entity,
      {
        mode: "UPDATE_ONLY",
        keyColumn: target.keyColumn,
        tableId: target.tableId,
        separator: importSeparator,
      },
      csv(),
    );
  } catch (error) {
    if (error instanceof RateLimitedError) {
      // Actito counts imports we did not (another tool, another store): take its word for it.
      importSettled(run);
      return { kind: "quota", reason: `Actito refused a mass import with 429: ${error.message}` };
    }
    if (error instanceof ActitoApiError && error.status >= 400 && error.status < 500) {
      importSettled(run);
      return { kind: "failed", reason: `Actito refused the mass import: ${error.message}` };
    }
    // Outcome unknown (or the listing failed while the file was being built, so nothing was posted):
    // the checkpoint still announces the submission without an id, which the resumed run handles.
    if (error instanceof ImportOutcomeUnknownError) {
      ctx.emit({ type: "import-outcome-unknown", account, rows: flight.rows, detail: errorMessage(error) });
    }
    throw error;
  }
  importSubmitted(run, flight, submitted.id);
  await save(run, chunk.start);
  ctx.emit({
    type: "import-submitted",
    account,
    index: run.imports,
    id: submitted.id,
    rows: flight.rows,
    bytes: submitted.bytes,
    last: flight.listingDone && overflow.length === 0,
  });

  const failed = await awaitImportResult(ctx, run, submitted.id, chunkRefs);
  importSettled(run);
  if (failed) return { kind: "failed", reason: failed };
  return { kind: "committed", cursor: flight.endCursor, overflow, overflowStart, overflowEnd };
}
