// How fast this machine's disk makes random page writes durable: the bound on SQLite's new-REAID
// latency while `emi serve` runs (bench/serve.md). Writes N random 4 KiB pages into a 1 GiB file,
// then times one fdatasync, for a few N; a checkpoint's sync is this shape.
// Run: npx tsx bench/disk-sync.ts [folder, default the OS temp folder]

import { randomBytes, randomInt } from "node:crypto";
import { closeSync, fdatasyncSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PAGE = 4096;
const FILE_BYTES = 1 << 30;
const dir = mkdtempSync(join(process.argv[2] ?? tmpdir(), "emi-bench-disk-"));
const path = join(dir, "pages.bin");
const fd = openSync(path, "w+");
try {
  ftruncateSync(fd, FILE_BYTES);
  // Fill it first, as a database file is: a sync then writes pages, not new blocks.
  const chunk = randomBytes(1 << 20);
  for (let offset = 0; offset < FILE_BYTES; offset += chunk.length)
    writeSync(fd, chunk, 0, chunk.length, offset);
  fdatasyncSync(fd);
  const page = randomBytes(PAGE);
  for (const pages of [1_000, 5_000, 20_000]) {
    for (let i = 0; i < pages; i++) writeSync(fd, page, 0, PAGE, randomInt(FILE_BYTES / PAGE) * PAGE);
    const started = process.hrtime.bigint();
    fdatasyncSync(fd);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `${pages} random pages made durable in ${ms.toFixed(1)} ms: ${Math.round(pages / (ms / 1000)).toLocaleString("en")} pages/s`,
    );
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
