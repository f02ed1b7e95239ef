import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { hashSecret } from "../../src/store/secret-hash.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import { createWorld, type World } from "../e2e/e2e-harness.ts";
import { type EmiProcess, spawnEmi } from "../watch/emi-process.ts";

const SECRET = "webhook-secret-for-the-fair-inbox-test-0123456789";
const PROFILES = 100_000;

let world: World | undefined;
const children: EmiProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await c.exited();
  }
  await world?.close();
  world = undefined;
});

async function withInbox<T>(w: World, fn: (inbox: Store) => Promise<T>): Promise<T> {
  const store = await openStore(w.storeUrl);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Waits, without a clock in the assertion, until `read` answers true (or the test's own timeout). */
async function until(read: () => Promise<boolean>): Promise<void> {
  while (!(await read())) await new Promise((resolve) => setTimeout(resolve, 200));
}

describe("a fair inbox", () => {
  it("lets emi sync run while a 100,000-event bulk arrives, and drains the backlog through a listing", async () => {
    const seed = structuredClone(defaultSeed);
    seed.licences.find((l) => l.name === "nordlys")!.entities[0]!.profileTables[0]!.generate = PROFILES;
    world = await createWorld({ seed: { ...seed, limits: { callsPerMinute: 1_000_000 } } });
    const w = world;
    expect((await w.run(["apply", "--yes"])).code).toBe(0);
    await withInbox(w, (inbox) =>
      inbox.putWebhookSecret(1042, hashSecret(SECRET), "env:ACTITO_KEY_NORDLYS", new Date().toISOString()),
    );
    // The sandbox allows it: the test need not wait for Actito's 100 calls a minute.
    const env = { ...w.env, EMI_ACTITO_CALLS_PER_MINUTE: "100000" };
    const serve = spawnEmi(["serve", "--port", "0", "--worker"], { cwd: w.dir, env });
    children.push(serve);
    const url = /http:\/\/\S+/.exec(await serve.line(/listening on http:/))![0];

    // emi sync reads the whole table; the bulk arrives while it runs.
    const sync = spawnEmi(["sync", "--full", "--account", "1042"], { cwd: w.dir, env });
    children.push(sync);
    await sync.line(/reading profiles/);
    const before = w.sandbox.stats();
    const bulk = {
      id: "bulk-1",
      data: Array.from({ length: PROFILES }, (_, i) => ({ eventType: "UPDATE", profileId: String(i + 1) })),
    };
    const delivered = await fetch(`${url}/webhooks/actito/1042`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-authorization": SECRET },
      body: JSON.stringify(bulk),
    });
    expect(delivered.status).toBe(200);

    // The sync is not starved: it ran to the end, in sync, and said what waits in the inbox.
    const exit = await sync.exited();
    expect(exit.code, sync.out() + sync.err()).toBe(0);
    expect(sync.out()).toMatch(/1 in sync/);
    expect(sync.out()).toMatch(
      /1042 inbox: [\d,]+ webhook event\(s\) covered by this run's read, [\d,]+ waiting/,
    );

    // The worker catches the backlog up with a sync of the table, not 100,000 single decisions.
    await until(async () => (await withInbox(w, (inbox) => inbox.countInboxOf(1042))) === 0);
    const after = w.sandbox.stats();
    const table = (s: typeof after) => s.tables["nordlys/16"]!;
    expect(table(after).patches - table(before).patches).toBeLessThan(1000);
    expect(after.licences.nordlys!.calls - before.licences.nordlys!.calls).toBeLessThan(2000);
    await until(async () => serve.err().includes("inbox backlog sync finished"));
    expect(serve.err()).toContain('"msg":"inbox backlog: caught up by a sync"');

    // Every profile carries the REAID of its e-mail.
    const reaids = new Map<string, string>();
    await w.withStore(async (s) => {
      for await (const { email, reaid } of s.exportReaids("1042")) reaids.set(email, reaid);
    });
    let wrong = 0;
    for (const p of w.sandbox.profiles("nordlys", "nordlys", "16")) {
      if (p.attributes.reaid !== reaids.get(normaliseEmail(String(p.attributes.emailAddress)))) wrong++;
    }
    expect(wrong).toBe(0);
  }, 180_000);
});
