import { HttpError } from "./http-error.ts";
import type { MassImportJob } from "./mass-import-job.ts";
import { checkKeyColumn, parseImportDefinition, prepareImport, runImport } from "./mass-import.ts";
import { multipartBoundary, parseMultipart } from "./parse-multipart.ts";
import { type RouteContext, type RouteResult, entityOf } from "./route-context.ts";

const dayMs = 86_400_000;
/** Room for the definition part and multipart framing on top of the file. */
const framingBytes = 1 << 20;

/**
 * `POST /mass-imports/v5/entities/{entity}/etl-executions`: multipart with `definition` (JSON)
 * and `file` (CSV, gzip when the definition says so). Checks size, definition, quota and file,
 * then answers `202 {"id"}` and applies the rows in the background.
 */
export async function startImport(ctx: RouteContext): Promise<RouteResult> {
  const entity = entityOf(ctx, ctx.params[0]!);
  const { limits } = ctx.state;
  const boundary = multipartBoundary(ctx.headers["content-type"]);
  if (!boundary) throw new HttpError(400, "INVALID_BODY", "the body must be multipart/form-data");
  const body = await ctx.readBody(limits.maxImportBytes + framingBytes);
  const parts = parseMultipart(body, boundary);
  if (typeof parts === "string") throw new HttpError(400, "INVALID_BODY", parts);
  const definitionPart = parts.find((p) => p.name === "definition");
  const filePart = parts.find((p) => p.name === "file");
  if (!definitionPart || !filePart) {
    throw new HttpError(400, "INVALID_BODY", "the body needs two parts: definition and file");
  }
  if (filePart.body.length > limits.maxImportBytes) {
    throw new HttpError(400, "FILE_TOO_LARGE", `the file is larger than ${limits.maxImportBytes} bytes`);
  }
  const definition = parseImportDefinition(definitionPart.body.toString("utf8"));
  const table = entity.tables.get(definition.tableId);
  if (!table)
    throw new HttpError(404, "NOT_FOUND", `no profile table ${definition.tableId} in entity ${entity.name}`);
  checkKeyColumn(table, definition);
  const day = Math.floor(ctx.state.now() / dayMs);
  const today = table.importsByDay.get(day) ?? 0;
  if (today >= limits.importsPerTablePerDay) {
    table.stats.importsRejected429++;
    ctx.licence.stats.rejected429++;
    throw new HttpError(
      429,
      "TOO_MANY_IMPORTS",
      `table ${definition.tableId} already had ${today} mass imports today (limit ${limits.importsPerTablePerDay})`,
    );
  }
  const prepared = await prepareImport(table, definition, filePart.body);
  table.importsByDay.set(day, today + 1);
  table.stats.importsSubmitted++;
  const job: MassImportJob = {
    id: ctx.state.newImportId(),
    entity: entity.name,
    tableId: definition.tableId,
    status: "RUNNING",
    processed: 0,
    updated: 0,
    created: 0,
    rejected: 0,
    errors: [],
  };
  ctx.state.imports.set(job.id, job);
  const { text } = prepared;
  const start = () => {
    if (typeof text === "string") {
      runImport(job, table, definition, text, ctx.state.now).catch(() => {
        job.status = "FAILED";
        job.errors.push({ line: 0, key: "", message: "the import failed inside the sandbox" });
      });
    } else {
      job.status = "FAILED";
      job.errors.push({ line: 0, key: "", message: text.failed });
    }
  };
  setTimeout(start, ctx.state.faults.importStartDelayMs).unref();
  return { status: 202, body: { id: job.id } };
}

/** `GET /mass-imports/v5/entities/{entity}/etl-executions/{id}`. */
export function importStatus(ctx: RouteContext): RouteResult {
  const entity = entityOf(ctx, ctx.params[0]!);
  const job = ctx.state.imports.get(ctx.params[1]!);
  if (!job || job.entity !== entity.name)
    throw new HttpError(404, "NOT_FOUND", "no mass import with this id");
  return { status: 200, body: job };
}
