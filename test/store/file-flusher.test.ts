import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFlusher } from "../../src/store/file-flusher.ts";

describe("FileFlusher", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-flusher-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("syncs a file and says how long it took", async () => {
    const path = join(dir, "one.db");
    writeFileSync(path, Buffer.alloc(64 * 1024, 1));
    const flusher = new FileFlusher([path]);
    try {
      const ms = await flusher.flush();
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(ms)).toBe(true);
    } finally {
      await flusher.close();
    }
  });

  it("runs one flush at a time: asks during a flush share the one that follows it", async () => {
    const path = join(dir, "shared.db");
    writeFileSync(path, Buffer.alloc(64 * 1024, 2));
    const flusher = new FileFlusher([path]);
    try {
      const first = flusher.flush();
      const second = flusher.flush();
      const third = flusher.flush();
      expect(second).not.toBe(first);
      expect(third).toBe(second);
      await Promise.all([first, second, third]);
      // Once both ended, an ask starts a flush of its own.
      const fourth = flusher.flush();
      expect(fourth).not.toBe(second);
      await fourth;
    } finally {
      await flusher.close();
    }
  });

  it("rejects with the file system's error, and a later ask tries again", async () => {
    const path = join(dir, "later.db");
    const flusher = new FileFlusher([path]);
    try {
      await expect(flusher.flush()).rejects.toMatchObject({ code: "ENOENT" });
      writeFileSync(path, "now it exists");
      await expect(flusher.flush()).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      await flusher.close();
    }
  });
});
