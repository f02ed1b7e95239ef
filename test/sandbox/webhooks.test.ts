import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { importBody, login, raw } from "./raw-http.ts";

interface Received {
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: deliveries are read field by field
  body: any;
}

/** A loopback receiver that answers `status()` and records what it got. */
async function receiver(status: () => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let sandbox: RunningSandbox;
let headers: Record<string, string>;
const subscriptions = () => `${sandbox.url}/webhooks/v4/entity/nordlys/webhookSubscription`;
const profiles = () => `${sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`;
const json = () => ({ ...headers, "content-type": "application/json" });

beforeEach(async () => {
  sandbox = await startSandbox();
  headers = await login(sandbox.url, "sandbox-key-nordlys", "api3");
});
afterEach(() => sandbox.close());

function subscribe(body: Record<string, unknown>) {
  return raw(subscriptions(), {
    method: "POST",
    headers: json(),
    body: JSON.stringify({ on: "PROFILE_TABLE", onElementId: "16", isActive: true, ...body }),
  });
}

describe("sandbox webhook subscriptions", () => {
  it("creates, lists, reads, changes and deletes a subscription, and checks its body", async () => {
    const created = await subscribe({
      eventType: "CREATE",
      targetUrl: "https://emi.example/webhooks/actito/1042",
      headers: { "X-Authorization": "s" },
      pushMode: "BULK",
      maxBlockSize: 500,
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.headers.location).toBe(`/webhooks/v4/entity/nordlys/webhookSubscription/${id}`);
    const listed = await raw(subscriptions(), { headers });
    expect(listed.json.subscriptions).toMatchObject([
      { id, eventType: "CREATE", pushMode: "BULK", isActive: true },
    ]);
    const changed = await raw(`${subscriptions()}/${id}`, {
      method: "PUT",
      headers: json(),
      body: JSON.stringify({ ...listed.json.subscriptions[0], isActive: false }),
    });
    expect(changed.status).toBe(200);
    expect((await raw(`${subscriptions()}/${id}`, { headers })).json.isActive).toBe(false);
    expect((await raw(`${subscriptions()}/${id}`, { method: "DELETE", headers })).status).toBe(204);
    expect((await raw(`${subscriptions()}/${id}`, { headers })).status).toBe(404);

    expect((await subscribe({ eventType: "CREATE", targetUrl: "http://emi.example/x" })).status).toBe(400);
    expect((await subscribe({ eventType: "NOPE", targetUrl: "https://emi.example/x" })).status).toBe(400);
    expect(
      (await subscribe({ eventType: "CREATE", targetUrl: "https://e.example", onElementId: "99" })).status,
    ).toBe(400);
    const other = await raw(`${sandbox.url}/webhooks/v4/entity/boreal/webhookSubscription`, { headers });
    expect(other.status).toBe(403);
  });

  it("delivers CREATE one by one with the subscription's headers for an upsert", async () => {
    const target = await receiver();
    await subscribe({ eventType: "CREATE", targetUrl: target.url, headers: { "X-Authorization": "shh" } });
    const put = await raw(profiles(), {
      method: "PUT",
      headers: json(),
      body: JSON.stringify({
        key: { emailAddress: "new-1@nordlys.example" },
        attributes: { firstName: "Nova" },
      }),
    });
    expect(put.status).toBe(201);
    await until(() => target.received.length === 1);
    const [delivery] = target.received;
    expect(delivery!.headers["x-authorization"]).toBe("shh");
    expect(delivery!.body.data).toMatchObject({
      eventType: "CREATE",
      profileId: String(put.json.profileId),
      emailAddress: "new-1@nordlys.example",
    });
    expect(delivery!.body._links.webhook.href).toMatch(
      /^\/webhooks\/v4\/entity\/nordlys\/webhookSubscription\/\d+$/,
    );
    await target.close();
  });

  it("delivers a mass import's CREATEs in bulk blocks of at most maxBlockSize", async () => {
    const target = await receiver();
    await subscribe({ eventType: "CREATE", targetUrl: target.url, pushMode: "BULK", maxBlockSize: 4 });
    const rows = Array.from({ length: 10 }, (_, i) => `bulk-${i}@nordlys.example`).join("\n");
    const { body, contentType } = importBody(
      {
        mode: "CREATE_UPDATE",
        keyColumn: "emailAddress",
        format: { separator: ";", encoding: "UTF-8", compression: "NONE" },
        tableId: "16",
      },
      `emailAddress\n${rows}\n`,
    );
    const started = await raw(`${sandbox.url}/mass-imports/v5/entities/nordlys/etl-executions`, {
      method: "POST",
      headers: { ...headers, "content-type": contentType },
      body,
    });
    expect(started.status).toBe(202);
    await until(() => target.received.flatMap((r) => r.body.data).length === 10);
    expect(target.received.every((r) => Array.isArray(r.body.data) && r.body.data.length <= 4)).toBe(true);
    await until(() => sandbox.stats().webhooks.eventsDelivered === 10);
    expect(sandbox.stats().webhooks.dropped).toBe(0);
    await target.close();
  });

  it("fires an UPDATE on emailAddress only when the e-mail changes, not on other attributes", async () => {
    const target = await receiver();
    await subscribe({ eventType: "UPDATE", onFields: ["emailAddress"], targetUrl: target.url });
    const patch = (attributes: Record<string, string>) =>
      raw(`${profiles()}/5`, { method: "PATCH", headers: json(), body: JSON.stringify({ attributes }) });
    expect((await patch({ firstName: "Other" })).status).toBe(204);
    expect((await patch({ emailAddress: "user-5@nordlys.example" })).status).toBe(204);
    expect((await patch({ emailAddress: "moved-5@nordlys.example" })).status).toBe(204);
    await until(() => target.received.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(target.received.map((r) => r.body.data)).toEqual([
      { eventType: "UPDATE", profileId: "5", emailAddress: "moved-5@nordlys.example" },
    ]);
    await target.close();
  });

  it("retries a failing target a few times, then drops the delivery and counts it", async () => {
    const target = await receiver(() => 500);
    await subscribe({ eventType: "CREATE", targetUrl: target.url });
    await raw(profiles(), {
      method: "PUT",
      headers: json(),
      body: JSON.stringify({ key: { emailAddress: "lost@nordlys.example" }, attributes: {} }),
    });
    await until(() => sandbox.stats().webhooks.dropped === 1);
    expect(target.received.length).toBe(4);
    expect(sandbox.stats().webhooks).toMatchObject({
      retried: 3,
      dropped: 1,
      eventsDropped: 1,
      delivered: 0,
    });
    const stats = await raw(`${sandbox.url}/_sandbox/stats`);
    expect(stats.json.webhooks.dropped).toBe(1);
    await target.close();
  });
});
