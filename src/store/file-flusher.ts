import { type FileHandle, open } from "node:fs/promises";

/**
 * Database files opened for syncing: one descriptor per path for the life of the process, never
 * closed. Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
 * included (each WAL connection holds a shared lock on the database file for as long as it is open),
 * and SQLite would not know: another process could then take the database for its own
 * (sqlite.org/howtocorrupt.html, 2.2). SQLite takes no lock on the WAL file, so that one may close.
 */
const databaseFiles = new Map<string, Promise<FileHandle>>();

function databaseFile(path: string): Promise<FileHandle> {
  let handle = databaseFiles.get(path);
  if (!handle) {
    handle = open(path, "r+");
    databaseFiles.set(path, handle);
    // A file that could not be opened is tried again next time.
    handle.catch(() => databaseFiles.delete(path));
  }
  return handle;
}

/**
 * Writes a SQLite database file's and its WAL's dirty pages out to the disk (fdatasync, side by
 * side) from Node's thread pool, one flush at a time: nothing waits for it but who asks. For
 * SqliteCheckpointer, which asks after each background checkpoint (see there for why), and whose
 * thread syncs the same descriptors (`descriptors()`) before a turn.
 */
export class FileFlusher {
  readonly #databasePath: string;
  #files: Promise<[database: FileHandle, wal: FileHandle]> | undefined;
  /** The flush under way, and the one that begins once it ends (asks meanwhile share that one). */
  #current: Promise<number> | undefined;
  #next: Promise<number> | undefined;

  constructor(databasePath: string) {
    this.#databasePath = databasePath;
  }

  /**
   * A flush that begins now, or right after the one under way: every page written to the files
   * before this call is on the disk when it resolves, with the flush's duration in milliseconds.
   */
  flush(): Promise<number> {
    const current = this.#current;
    if (current === undefined) {
      const run: Promise<number> = this.#run().finally(() => {
        if (this.#current === run) this.#current = undefined;
      });
      this.#current = run;
      return run;
    }
    this.#next ??= current
      .catch(() => 0)
      .then(() => {
        this.#next = undefined;
        return this.flush();
      });
    return this.#next;
  }

  /** The descriptors of the database file and the WAL, valid until `close()`. */
  async descriptors(): Promise<number[]> {
    return (await this.#open()).map((handle) => handle.fd);
  }

  /** Waits for the flushes asked for, then closes the WAL's descriptor (never the database's). */
  async close(): Promise<void> {
    await Promise.allSettled([this.#current, this.#next]);
    const files = this.#files;
    this.#files = undefined;
    const opened = await files?.catch(() => undefined);
    await opened?.[1].close();
  }

  async #run(): Promise<number> {
    const files = await this.#open();
    const started = performance.now();
    await Promise.all(files.map((handle) => handle.datasync()));
    return performance.now() - started;
  }

  #open(): Promise<[FileHandle, FileHandle]> {
    if (!this.#files) {
      const path = this.#databasePath;
      // The database's first: it is never closed, so a WAL that cannot be opened leaks nothing.
      const files = databaseFile(path).then(
        async (database): Promise<[FileHandle, FileHandle]> => [database, await open(`${path}-wal`, "r+")],
      );
      this.#files = files;
      // Not opened (no WAL yet, say): the next ask tries again.
      files.catch(() => {
        if (this.#files === files) this.#files = undefined;
      });
    }
    return this.#files;
  }
}
