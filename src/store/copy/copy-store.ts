import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { StoreError } from "../errors.ts";
import { openStore } from "../open-store.ts";
import { canonicalValue, familyOf, targetValue, type ValueFamily } from "./canonical-value.ts";
import { type ColumnInfo, openRawDatabase, type RawDatabase } from "./raw-database.ts";
import { TableDigest } from "./table-digest.ts";

/** Tables a copy leaves out: leases belong to the processes of the source, migrations to each database. */
const NOT_COPIED = new Set(["locks", "schema_migrations"]);
/** Tables the migrations fill in a new store: their rows are replaced by the source's. */
const SEEDED = new Set(["store_meta", "registry_revision"]);
/** Copied first: other tables refer to them. */
const FIRST = ["integrations"];
const BATCH = 2_000;

/** How one table was copied and checked. */
interface TableCopy {
  table: string;
  rows: number;
  /** The order-free digest of the rows (see TableDigest), equal in source and target. */
  digest: string;
  /** Columns of one database only (SQLite's row number of `reaids`), not copied and not compared. */
  skippedColumns: string[];
}

/** What `emi store copy` and `emi store backup` report. */
export interface CopyReport {
  formatVersion: 1;
  from: string;
  to: string;
  tables: TableCopy[];
  /** True when every table's count and digest are equal in source (its snapshot) and target. */
  exact: boolean;
  /** With `--online`: REAIDs the source created after the snapshot, which the copy lacks. */
  reaidsCreatedAfterSnapshot: number | null;
}

/** Refusals of a copy: what is wrong and what to do, never a URL's password. */
class StoreCopyError extends StoreError {}

/** Where a store URL's SQLite file is, for the raw connection; undefined for PostgreSQL. */
function sqlitePath(url: string, cwd: string): string | undefined {
  if (!url.startsWith("sqlite:")) return undefined;
  const path = url.slice("sqlite:".length);
  if (path === ":memory:") throw new StoreCopyError("invalid-url", "an in-memory store cannot be copied");
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A store URL without its password, for reports. */
function displayUrl(url: string): string {
  if (!url.startsWith("postgres")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

async function isEmpty(db: RawDatabase, tables: readonly string[]): Promise<string[]> {
  const filled: string[] = [];
  for (const table of tables) {
    if (NOT_COPIED.has(table) || table === "store_meta") continue;
    if (table === "registry_revision") {
      const [row] = await db.all<{ revision: unknown }>("SELECT revision FROM registry_revision");
      if (row !== undefined && String(row.revision) !== "0") filled.push(table);
      continue;
    }
    const [row] = await db.all<{ n: unknown }>(`SELECT count(*) AS n FROM "${table}"`);
    if (Number(row?.n ?? 0) > 0) filled.push(table);
  }
  return filled;
}

/**
 * Copies a store into a new, empty one (SQLite or PostgreSQL, either direction) from a consistent
 * snapshot of the source, then checks that every table's rows are equal value by value. The store's
 * internal secret (store_meta) travels, so saved plans and key fingerprints stay valid; leases do not,
 * nor anything kept outside the database (the store key).
 */
export async function copyStore(options: {
  from: string;
  to: string;
  cwd: string;
  /** Copy while other processes hold leases on the source (they may keep writing). */
  online?: boolean;
  /** The target must not exist at all (a backup file). */
  newFile?: boolean;
  onTable?: (table: string, rows: number) => void;
}): Promise<CopyReport> {
  const { from, to, cwd } = options;
  if (from === to) throw new StoreCopyError("invalid-url", "--from and --to name the same store");
  const fromPath = sqlitePath(from, cwd);
  const toPath = sqlitePath(to, cwd);
  if (fromPath !== undefined && toPath !== undefined && fromPath === toPath)
    throw new StoreCopyError("invalid-url", "--from and --to name the same store");
  if (options.newFile && toPath !== undefined && existsSync(toPath))
    throw new StoreCopyError("target-exists", `${toPath} exists: a backup is written to a new file`);
  // Both through emi's own open: the source must exist; both are migrated to this emi's schema.
  await (await openStore(from, { cwd, existing: true })).close();
  await (await openStore(to, { cwd })).close();

  const source = await openRawDatabase(from, fromPath);
  const target = await openRawDatabase(to, toPath);
  try {
    const sourceTables = await source.tables();
    const targetTables = new Set(await target.tables());
    const missing = sourceTables.filter((t) => !NOT_COPIED.has(t) && !targetTables.has(t));
    if (missing.length > 0)
      throw new StoreCopyError("schema-mismatch", `the target store has no table ${missing.join(", ")}`);
    const filled = await isEmpty(target, [...targetTables]);
    if (filled.length > 0)
      throw new StoreCopyError(
        "target-not-empty",
        `the target store is not empty (${filled.join(", ")} hold rows): copy into a new store`,
      );

    await source.beginSnapshot();
    const reaidsAtSnapshot = sourceTables.includes("reaids") ? await countRows(source, "reaids") : 0;
    if (!options.online) {
      const held = await source.all<{ name: string }>("SELECT name FROM locks WHERE expires_at > ?", [
        Date.now(),
      ]);
      if (held.length > 0) {
        await source.endSnapshot();
        throw new StoreCopyError(
          "source-busy",
          `${held.length} lease(s) are held on the source (${held.map((h) => h.name).join(", ")}): stop the workers and apply jobs first, or copy with --online and accept that what they write after the snapshot is not copied`,
        );
      }
    }
    const tables = sourceTables
      .filter((t) => !NOT_COPIED.has(t))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const copies: TableCopy[] = [];
    const layouts = new Map<string, Layout>();
    await target.transaction(async () => {
      for (const table of tables) {
        const layout = await layoutOf(source, target, table);
        layouts.set(table, layout);
        if (SEEDED.has(table)) await target.run(`DELETE FROM "${table}"`);
        const digest = new TableDigest();
        for await (const batch of source.rows(table, layout.columns, BATCH)) {
          const rows = batch.map((row) => {
            const canonical = row.map((value, i) => canonicalValue(value, layout.sourceFamilies[i]!));
            digest.add(canonical);
            return canonical.map((value, i) => targetValue(value, layout.targetFamilies[i]!, target.dialect));
          });
          await target.insert(table, layout.columns, rows);
          options.onTable?.(table, digest.rows);
        }
        copies.push({ table, rows: digest.rows, digest: digest.value, skippedColumns: layout.skipped });
      }
      if (target.dialect === "postgres") await resetSequences(target, tables);
    });
    await source.endSnapshot();
    const createdAfter =
      options.online && sourceTables.includes("reaids")
        ? (await countRows(source, "reaids")) - reaidsAtSnapshot
        : null;

    let exact = true;
    for (const copy of copies) {
      const layout = layouts.get(copy.table)!;
      const digest = new TableDigest();
      for await (const batch of target.rows(copy.table, layout.columns, BATCH))
        for (const row of batch)
          digest.add(row.map((value, i) => canonicalValue(value, layout.targetFamilies[i]!)));
      if (digest.rows !== copy.rows || digest.value !== copy.digest) exact = false;
    }
    return {
      formatVersion: 1,
      from: displayUrl(from),
      to: displayUrl(to),
      tables: copies,
      exact,
      reaidsCreatedAfterSnapshot: createdAfter,
    };
  } finally {
    await source.close();
    await target.close();
  }
}

interface Layout {
  columns: string[];
  sourceFamilies: ValueFamily[];
  targetFamilies: ValueFamily[];
  skipped: string[];
}

/** The columns both databases have (by name, in the source's order) and how each side types them. */
async function layoutOf(source: RawDatabase, target: RawDatabase, table: string): Promise<Layout> {
  const sourceColumns = await source.columns(table);
  const targetColumns = new Map((await target.columns(table)).map((c) => [c.name, c]));
  const shared = sourceColumns.filter((c) => targetColumns.has(c.name));
  const skipped = [
    ...sourceColumns.filter((c) => !targetColumns.has(c.name)).map((c) => c.name),
    ...[...targetColumns.keys()].filter((name) => !sourceColumns.some((c) => c.name === name)),
  ];
  const family = (c: ColumnInfo, other: ColumnInfo | undefined) =>
    // A boolean on either side is a boolean on both (SQLite stores it as 0/1).
    familyOf(c.type) === "boolean" || (other && familyOf(other.type) === "boolean")
      ? "boolean"
      : familyOf(c.type);
  return {
    columns: shared.map((c) => c.name),
    sourceFamilies: shared.map((c) => family(c, targetColumns.get(c.name))),
    targetFamilies: shared.map((c) => family(targetColumns.get(c.name)!, c)),
    skipped,
  };
}

function rank(table: string): number {
  const index = FIRST.indexOf(table);
  return index === -1 ? FIRST.length : index;
}

async function countRows(db: RawDatabase, table: string): Promise<number> {
  const [row] = await db.all<{ n: unknown }>(`SELECT count(*) AS n FROM "${table}"`);
  return Number(row?.n ?? 0);
}

/** Copied ids leave PostgreSQL's sequences behind: each restarts after its column's largest value. */
async function resetSequences(target: RawDatabase, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    for (const column of await target.columns(table)) {
      if (!column.serial) continue;
      await target.run(
        `SELECT setval(pg_get_serial_sequence('"${table}"', '${column.name}'), COALESCE((SELECT MAX("${column.name}") FROM "${table}"), 0) + 1, false)`,
      );
    }
  }
}
