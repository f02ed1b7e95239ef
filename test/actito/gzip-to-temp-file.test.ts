import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { gzipToTempFile } from "../../src/actito/gzip-to-temp-file.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("gzipToTempFile", () => {
  it("removes the import folders of processes that are gone (they hold addresses), never a live process's", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-gzip-"));
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    const orphan = join(dir, `emi-import-${gone}-abc`);
    const live = join(dir, `emi-import-${process.pid}-def`);
    for (const folder of [orphan, live]) {
      mkdirSync(folder);
      writeFileSync(join(folder, "import.csv.gz"), "someone@example.com");
    }
    const file = await gzipToTempFile(Readable.from(["email,reaid\n", "a@example.com,R1\n"]), { dir });
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(file.path)).toBe(true);
    await file.remove();
    expect(existsSync(file.path)).toBe(false);
  });
});
