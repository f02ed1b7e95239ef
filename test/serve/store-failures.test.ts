import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describePostgres } from "../requirements.ts";
import { postgresHarness, type StoreHarness } from "../store/store-harness.ts";
import { createServeWorld, type ServeWorld } from "./serve-harness.ts";

let w: ServeWorld | undefined;
let harness: StoreHarness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await w?.close();
  await harness?.cleanup();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  w = harness = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * A TCP relay to PostgreSQL that can be stopped and started again on the same port: stopping
 * closes the listener (new connections are refused) and cuts every relayed connection, as a
 * stopped or crashed PostgreSQL server looks to its clients.
 */
async function postgresRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => {});
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await start();
  return {
    port: () => port,
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server!.close(() => resolve());
      }),
  };
}

const storeLines = (logs: string[]) =>
  logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "store unavailable");

describePostgres("emi serve when PostgreSQL stops", (base) => {
  it("answers 503 with Retry-After, logs the cause without the address, says so on /healthz, and recovers", async () => {
    harness = postgresHarness(base);
    const direct = new URL(await harness.freshUrl());
    const relay = await postgresRelay({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => relay.stop());
    const relayed = new URL(direct);
    relayed.hostname = "127.0.0.1";
    relayed.port = String(relay.port());
    w = await createServeWorld({ storeUrl: relayed.toString() });
    const key = await w.createKey(1042);
    const body = { emailAddresses: ["stopped-pg@example.com"] };
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(200);
    expect((await w.get("/healthz")).status).toBe(200);

    await relay.stop();
    const refused = await w.post("/GetOrCreate", body, bearer(key));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.json.error).toBe("the store is unavailable (PostgreSQL unreachable): retry later");
    const [line] = storeLines(w.logs);
    expect(line).toMatchObject({
      route: "/GetOrCreate",
      store: "PostgreSQL",
      cause: "PostgreSQL unreachable",
    });
    expect(w.logs.join("\n")).not.toContain("stopped-pg");
    expect((await w.get("/livez")).status).toBe(200);
    // /healthz caches its answer a few seconds: the first probe after the stop says it.
    let health = await w.get("/healthz");
    while (health.status === 200) health = await w.get("/healthz");
    expect(health.status).toBe(503);
    expect(health.json.why).toContain("PostgreSQL store: PostgreSQL unreachable");

    await relay.start();
    let again = await w.post("/GetOrCreate", body, bearer(key));
    while (again.status === 503) again = await w.post("/GetOrCreate", body, bearer(key));
    expect(again.status).toBe(200);
  });
});

const root = process.getuid?.() === 0;
const FULL_DISK_SKIP = "mounting a small tmpfs needs root";

describe("emi serve on a full disk (SQLite)", () => {
  it.skipIf(!root)(
    `answers 503 with Retry-After and says "disk full" in the log and on /healthz (skipped unless root: ${FULL_DISK_SKIP})`,
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), "emi-full-disk-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=12m", "tmpfs", mountPoint]);
      cleanups.push(() => {
        execFileSync("umount", ["-l", mountPoint]);
        rmSync(mountPoint, { recursive: true, force: true });
      });
      w = await createServeWorld({ storeUrl: `sqlite:${join(mountPoint, "state.db")}` });
      const key = await w.createKey(1042);
      expect((await w.get("/healthz")).status).toBe(200);

      // Fill what is left of the disk.
      const filler = join(mountPoint, "filler");
      const handle = await open(filler, "w");
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) await handle.write(block);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
      } finally {
        await handle.close().catch(() => {});
      }
      let health = await w.get("/healthz");
      while (health.status === 200) health = await w.get("/healthz");
      expect(health.status).toBe(503);
      expect(health.json.why).toContain("SQLite store: disk full");

      // New addresses until SQLite needs a page the disk cannot give (its WAL may have room first).
      let answer = { status: 200 } as Awaited<ReturnType<ServeWorld["post"]>>;
      for (let batch = 0; batch < 200 && answer.status === 200; batch++) {
        const addresses = Array.from({ length: 1000 }, (_, i) => `full-${batch}-${i}@example.com`);
        answer = await w.post("/GetOrCreate", { emailAddresses: addresses }, bearer(key));
      }
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("5");
      expect(answer.json.error).toBe("the store is unavailable (disk full): retry later");
      const [line] = storeLines(w.logs);
      expect(line).toMatchObject({ store: "SQLite", cause: "disk full" });
      expect(w.logs.join("\n")).not.toContain("@example.com");

      await rm(filler);
      let back = await w.get("/healthz");
      while (back.status !== 200) back = await w.get("/healthz");
      expect(
        (await w.post("/GetOrCreate", { emailAddresses: ["after@example.com"] }, bearer(key))).status,
      ).toBe(200);
    },
  );
});
