import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/store/secret-hash.ts";
import { openStore } from "../../src/store/open-store.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness, type StoreHarness } from "../store/store-harness.ts";
import { createServeWorld, type ServeWorld } from "./serve-harness.ts";

let w: ServeWorld | undefined;
let harness: StoreHarness | undefined;
afterEach(async () => {
  await w?.close();
  await harness?.cleanup();
  w = harness = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A raw client: what it received, and a promise of the server closing the connection. */
function rawClient(url: string): {
  socket: Socket;
  received: () => string;
  error: () => string | null;
  closed: Promise<void>;
} {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = "";
  let error: string | null = null;
  socket.on("data", (d) => (received += d));
  socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, received: () => received, error: () => error, closed };
}

/** Writes `text` one byte at a time, every `everyMs`, until the socket closes. */
function dribble(socket: Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[at++]!);
  }, everyMs);
  socket.on("close", () => clearInterval(timer));
}

describe("emi serve under slow clients", () => {
  it("answers 300 slow clients without a key 401 and closes their connections without reading their bodies; a valid request is answered meanwhile", async () => {
    w = await createServeWorld();
    const key = await w.createKey(1042);
    const clients = Array.from({ length: 300 }, () => rawClient(w!.serve.url));
    const body = JSON.stringify({ emailAddresses: ["slow@example.com"] }).padEnd(100_000, " ");
    for (const { socket } of clients) {
      socket.write(
        `POST /GetOrCreate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      dribble(socket, body, 20);
    }
    // Each connection is closed by the server (these clients never close), long before its body
    // (100 kB at a byte every 20 ms) could arrive. A client still writing when the server closed may
    // see its write fail (EPIPE, ECONNRESET) before it reads the 401: never anything else.
    await Promise.all(clients.map((c) => c.closed));
    let answered = 0;
    for (const c of clients) {
      if (c.received() === "") {
        expect(["EPIPE", "ECONNRESET"]).toContain(c.error());
        continue;
      }
      answered++;
      expect(c.received()).toMatch(/^HTTP\/1\.1 401 /);
      expect(c.received().toLowerCase()).toContain("connection: close");
    }
    expect(answered).toBeGreaterThan(150);
    const answer = await w.post("/GetOrCreate", { emailAddresses: ["fast@example.com"] }, bearer(key));
    expect(answer.status).toBe(200);
  });

  it("closes connections whose headers dribble in past the headers timeout, and answers a valid request meanwhile", async () => {
    w = await createServeWorld({ serve: { limits: { headersTimeoutMs: 1_000 } } });
    const key = await w.createKey(1042);
    const clients = Array.from({ length: 300 }, () => rawClient(w!.serve.url));
    const headers = `POST /GetOrCreate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${"x".repeat(2000)}\r\n\r\n`;
    for (const { socket } of clients) dribble(socket, headers, 50);
    const answer = await w.post("/GetOrCreate", { emailAddresses: ["fast@example.com"] }, bearer(key));
    expect(answer.status).toBe(200);
    await Promise.all(clients.map((c) => c.closed));
    for (const c of clients) expect(c.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });
});

const INVALID = [
  "nul\u0000@example.com",
  "lone\uD800@example.com",
  "lone\uDC00x@example.com",
  "replaced\uFFFD@example.com",
  "bell\u0007@example.com",
  "del\u007F@example.com",
  "c1\u0085x@example.com",
  "no-at-sign.example.com",
];
const VALID = ["Anna@Example.com", "bo@example.com", "émile@exemple.fr", "emoji😀@example.com"];

function describeAddresses(label: string, storeUrl: () => Promise<string | undefined>) {
  describe(`GetOrCreate's one validation of addresses (${label})`, () => {
    it("leaves NUL, control characters, lone surrogates and U+FFFD out, and answers the rest", async () => {
      const url = await storeUrl();
      w = await createServeWorld(url ? { storeUrl: url } : {});
      const key = await w.createKey(1042);
      const mixed = [
        VALID[0],
        INVALID[0],
        VALID[1],
        INVALID[1],
        INVALID[2],
        VALID[2],
        ...INVALID.slice(3),
        VALID[3],
      ];
      const answer = await w.post("/GetOrCreate", { emailAddresses: mixed }, bearer(key));
      expect(answer.status).toBe(200);
      expect(answer.json.results.map((r: { emailAddress: string }) => r.emailAddress)).toEqual(VALID);
      const only = await w.post("/GetOrCreate", { emailAddresses: INVALID }, bearer(key));
      expect(only.status).toBe(400);
      for (const body of [
        { emailAddresses: "a@b.co" },
        { emailAddresses: { 0: "a@b.co" } },
        {},
        ["a@b.co"],
      ]) {
        const refused = await w.post("/GetOrCreate", body, bearer(key));
        expect(refused.status).toBe(400);
        expect(refused.json.error).toContain("emailAddresses");
      }
    });
  });
}

describeAddresses("SQLite", async () => undefined);
describePostgres("GetOrCreate's validation on PostgreSQL", (base) =>
  describeAddresses("PostgreSQL", async () => {
    harness = postgresHarness(base);
    return harness.freshUrl();
  }),
);

describe("POST /webhooks/actito/{account}", () => {
  it("parses the body as JSON whatever its content type, and refuses a body that is not JSON with 400", async () => {
    w = await createServeWorld();
    const secret = "webhook-secret-for-the-test-0123456789";
    const store = await openStore(w.world.storeUrl);
    try {
      await store.putWebhookSecret(
        1042,
        hashSecret(secret),
        "env:ACTITO_KEY_NORDLYS",
        new Date().toISOString(),
      );
    } finally {
      await store.close();
    }
    const event = JSON.stringify({ id: "1", data: { eventType: "CREATE", profileId: 7 } });
    const deliver = async (body: string, type?: string) => {
      const response = await fetch(`${w!.serve.url}/webhooks/actito/1042`, {
        method: "POST",
        headers: { "x-authorization": secret, ...(type ? { "content-type": type } : {}) },
        body,
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    for (const type of [
      "text/plain",
      "application/octet-stream",
      "application/json; charset=utf-8",
      undefined,
    ]) {
      expect(await deliver(event, type)).toEqual({ status: 200, json: { accepted: 1, ignored: 0 } });
    }
    for (const [body, type] of [
      ["profileId=7", "application/x-www-form-urlencoded"],
      ["{not json", "text/plain"],
      ["", "application/json"],
    ] as const) {
      const refused = await deliver(body, type);
      expect(refused.status).toBe(400);
    }
  });
});
