import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

/** A gzip file in its own temporary folder; `remove()` deletes both. */
export interface GzipTempFile {
  path: string;
  /** Size of the compressed file. */
  bytes: number;
  /** Size of what was read from the source, uncompressed. */
  sourceBytes: number;
  remove(): Promise<void>;
}

const PREFIX = "emi-import-";

/** Removes the import folders of processes that are gone (killed mid-upload): never another live one's. */
async function removeOrphans(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /^emi-import-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as { code?: string }).code !== "ESRCH";
  }
}

/**
 * Streams `source` through gzip into a temporary file, so a large CSV is never held in memory and
 * the upload can be read again from disk (undici's FormData needs a Blob: `openAsBlob` reads the
 * file lazily). On failure nothing is left behind.
 */
export async function gzipToTempFile(
  source: Readable | AsyncIterable<string | Buffer>,
  options: { dir?: string } = {},
): Promise<GzipTempFile> {
  const dir = options.dir ?? tmpdir();
  // Files hold e-mail addresses: what a killed process left is removed by the next upload.
  await removeOrphans(dir);
  const folder = await mkdtemp(join(dir, `${PREFIX}${process.pid}-`));
  const remove = () => rm(folder, { recursive: true, force: true });
  const path = join(folder, "import.csv.gz");
  let sourceBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      sourceBytes += buffer.length;
      callback(null, buffer);
    },
  });
  try {
    const readable = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    await pipeline(readable, counter, createGzip(), createWriteStream(path));
    const { size } = await stat(path);
    return { path, bytes: size, sourceBytes, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
