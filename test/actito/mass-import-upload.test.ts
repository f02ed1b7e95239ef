import { once } from "node:events";
import { mkdtemp, readdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Response } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { ClientLogEvent } from "../../src/actito/client-log-event.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A loopback server that records each mass-import upload and answers 202. */
async function uploadServer() {
  const uploads: {
    headers: IncomingMessage["headers"];
    definition: unknown;
    csv: string;
    fileName: string | null;
  }[] = [];
  server = createServer(async (req, res) => {
    const body = await readAll(req);
    if (req.url === "/auth/token") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ accessToken: "tok", expiresIn: "900s" }));
      return;
    }
    const form = await new Response(body, {
      headers: { "content-type": req.headers["content-type"] ?? "" },
    }).formData();
    const file = form.get("file") as File;
    uploads.push({
      headers: req.headers,
      definition: JSON.parse(await (form.get("definition") as Blob).text()),
      csv: gunzipSync(Buffer.from(await file.arrayBuffer())).toString(),
      fileName: file.name,
    });
    res
      .writeHead(202, { "content-type": "application/json" })
      .end(JSON.stringify({ id: `imp-${uploads.length}` }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, uploads };
}

async function* csvRows(count: number) {
  yield "emailAddress;reaid\n";
  for (let i = 1; i <= count; i++) yield `user-${i}@acme.example;R${i}\n`;
}

describe("startMassImport upload", () => {
  it("streams the CSV gzipped as multipart parts definition and file, then deletes the temp file", async () => {
    const { url, uploads } = await uploadServer();
    const tempDir = await mkdtemp(join(tmpdir(), "emi-test-"));
    const logs: ClientLogEvent[] = [];
    const client = createActitoClient({
      endpoint: "api",
      apiKey: "k-123456",
      env: { EMI_ACTITO_URL: url },
      tempDir,
      logger: (e) => logs.push(e),
    });
    const result = await client.startMassImport(
      "acme",
      { mode: "UPDATE_ONLY", keyColumn: "emailAddress", tableId: "16" },
      csvRows(20_000),
    );
    await client.close();
    expect(result.id).toBe("imp-1");
    expect(uploads).toHaveLength(1);
    const upload = uploads[0]!;
    expect(upload.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.headers.authorization).toBe("Bearer tok");
    expect(upload.headers["x-emi-endpoint"]).toBe("api");
    expect(upload.definition).toEqual({
      mode: "UPDATE_ONLY",
      keyColumn: "emailAddress",
      format: { separator: ";", encoding: "UTF-8", compression: "GZIP" },
      tableId: "16",
    });
    const lines = upload.csv.trimEnd().split("\n");
    expect(lines).toHaveLength(20_001);
    expect(lines[20_000]).toBe("user-20000@acme.example;R20000");
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bytes).toBeLessThan(upload.csv.length);
    expect(logs).toContainEqual({ type: "import-upload", bytes: result.bytes });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("deletes the temp file when the CSV source fails", async () => {
    const { url, uploads } = await uploadServer();
    const tempDir = await mkdtemp(join(tmpdir(), "emi-test-"));
    const client = createActitoClient({
      endpoint: "api",
      apiKey: "k-123456",
      baseUrl: url,
      tempDir,
    });
    async function* broken() {
      yield "emailAddress\n";
      throw new Error("source broke");
    }
    await expect(
      client.startMassImport(
        "acme",
        { mode: "UPDATE_ONLY", keyColumn: "emailAddress", tableId: "16" },
        broken(),
      ),
    ).rejects.toThrow("source broke");
    await client.close();
    expect(await readdir(tempDir)).toEqual([]);
    expect(uploads).toEqual([]);
  });
});
