import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/store/secret-hash.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { createWorld, REPO_ROOT, type World } from "../e2e/e2e-harness.ts";

let world: World;
const children: ChildProcess[] = [];
beforeEach(async () => {
  world = await createWorld();
  expect((await world.run(["apply", "--yes"])).code).toBe(0);
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await world.close();
});

const SECRET = "webhook-secret-for-the-test-0123456789";

async function withInbox<T>(fn: (inbox: Store) => Promise<T>): Promise<T> {
  const store = await openStore(world.storeUrl);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Spawns `emi serve`; resolves with its URL once the first stdout line is out. */
function spawnServe(args: string[] = []) {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin/emi.js"), "serve", "--port", "0", ...args], {
    cwd: world.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      world.outputs.push(out, err);
      resolve({ code, signal });
    }),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const first = out.split("\n")[0]!;
      if (out.includes("\n")) {
        const match = /^emi serve: listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
        if (match) resolve(match[1]!);
        else reject(new Error(`unexpected first line: ${first}`));
      }
    });
    child.on("close", () => reject(new Error(`serve exited early: ${err}`)));
  });
  return { child, url, exited, output: () => ({ out, err }) };
}

describe("emi serve as a process", () => {
  it("prints its URL first, answers /healthz and /metrics, and exits 0 on SIGTERM after finishing a request", async () => {
    const serve = spawnServe();
    const url = await serve.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("emi_serve_requests_total");

    const key = (await world.run(["api-key", "create", "--account", "1042"])).out.trim();
    const addresses = Array.from({ length: 1000 }, (_, i) => `late-${i}@example.com`);
    const inFlight = fetch(`${url}/GetOrCreate`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ emailAddresses: addresses }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    serve.child.kill("SIGTERM");
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { results: unknown[] }).results).toHaveLength(1000);
    const exit = await serve.exited;
    expect(exit.code, serve.output().err).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const { out, err } = serve.output();
    expect(out.trim().split("\n")).toHaveLength(1);
    for (const text of [out, err]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain("late-");
    }
  });

  it("keeps acknowledged webhook events through a kill -9 and requires the secret header", async () => {
    await withInbox((inbox) =>
      inbox.putWebhookSecret(1042, hashSecret(SECRET), "env:ACTITO_KEY_NORDLYS", new Date().toISOString()),
    );
    const serve = spawnServe();
    const url = await serve.url;
    const deliver = (headers: Record<string, string>, body: unknown) =>
      fetch(`${url}/webhooks/actito/1042`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const bulk = {
      id: "0b5e",
      data: Array.from({ length: 50 }, (_, i) => ({
        eventType: "CREATE",
        profileId: String(1000 + i),
        emailAddress: `hook-${i}@example.com`,
      })),
      _links: { webhook: { href: "/webhooks/v4/entity/nordlys/webhookSubscription/1" } },
    };
    expect((await deliver({}, bulk)).status).toBe(401);
    expect((await deliver({ "x-authorization": "wrong" }, bulk)).status).toBe(401);
    expect(
      (await fetch(`${url}/webhooks/actito/1050`, { method: "POST", headers: { "x-authorization": SECRET } }))
        .status,
    ).toBe(401);
    const ok = await deliver({ "X-Authorization": SECRET }, bulk);
    expect(ok.status).toBe(200);
    const single = await deliver(
      { "X-Authorization": SECRET },
      {
        id: "1",
        data: { eventType: "UPDATE", profileId: 2000, emailAddress: "one@example.com" },
      },
    );
    expect(single.status).toBe(200);
    serve.child.kill("SIGKILL");
    expect((await serve.exited).signal).toBe("SIGKILL");
    const waiting = await withInbox(async (inbox) => ({
      count: await inbox.countInbox(),
      first: await inbox.peekInbox(1042, 1),
    }));
    expect(waiting.count).toBe(51);
    expect(waiting.first[0]).toMatchObject({ account: 1042, profileId: "1000", eventType: "CREATE" });
    const { out, err } = serve.output();
    for (const text of [out, err]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("hook-");
    }
  });
});
