import { type FileHandle, open } from "node:fs/promises";

/**
 * Writes files' dirty pages out to the disk (fdatasync, the files side by side) from Node's thread
 * pool, one flush at a time: nothing waits for it but who asks. For SqliteCheckpointer, which asks
 * after each background checkpoint (see there for why).
 */
export class FileFlusher {
  readonly #paths: readonly string[];
  #handles: FileHandle[] | undefined;
  /** The flush under way, and the one that begins once it ends (asks meanwhile share that one). */
  #current: Promise<number> | undefined;
  #next: Promise<number> | undefined;

  constructor(paths: readonly string[]) {
    this.#paths = paths;
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

  /** Waits for the flushes asked for, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#current, this.#next]);
    const handles = this.#handles ?? [];
    this.#handles = undefined;
    await Promise.all(handles.map((handle) => handle.close()));
  }

  async #run(): Promise<number> {
    this.#handles ??= await this.#open();
    const started = performance.now();
    await Promise.all(this.#handles.map((handle) => handle.datasync()));
    return performance.now() - started;
  }

  /** Opens every file, or none: a file that cannot be opened closes those already open. */
  async #open(): Promise<FileHandle[]> {
    const opened = await Promise.allSettled(this.#paths.map((path) => open(path, "r+")));
    const handles = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const failed = opened.find((result) => result.status === "rejected");
    if (failed) {
      await Promise.all(handles.map((handle) => handle.close()));
      throw failed.reason;
    }
    return handles;
  }
}
