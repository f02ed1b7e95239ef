import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { raw } from "./raw-http.ts";

const root = join(import.meta.dirname, "../..");

function startCli(args: string[]): { child: ChildProcess; firstLine: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, ["bin/emi.js", "sandbox", ...args], { cwd: root, stdio: "pipe" });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return { child, firstLine, output: () => output };
}

describe("emi sandbox", () => {
  it("prints the base URL first, serves the API, stops on SIGTERM and never prints a key", async () => {
    const { child, firstLine, output } = startCli(["--port", "0"]);
    const url = await firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = await raw(`${url}/auth/token`, {
      headers: { authorization: "sandbox-key-solstice", "x-emi-endpoint": "api" },
    });
    expect(token.status).toBe(200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    for (const licence of defaultSeed.licences) {
      for (const key of licence.apiKeys) expect(output()).not.toContain(key);
    }
    expect(output()).not.toContain(token.json.accessToken);
  });

  it("exits 1 with the seed's problems when the seed file is invalid", async () => {
    const child = spawn(
      process.execPath,
      ["bin/emi.js", "sandbox", "--port", "0", "--seed", "package.json"],
      {
        cwd: root,
        stdio: "pipe",
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr).toContain("invalid sandbox seed package.json");
  });
});

describe("emi sandbox on a busy port", () => {
  it("names EADDRINUSE and the port, exits 1 and prints no stack", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, ["bin/emi.js", "sandbox", "--port", String(port)], {
        cwd: root,
        stdio: "pipe",
      });
      let err = "";
      child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
      const [code] = (await once(child, "exit")) as [number];
      expect(code).toBe(1);
      expect(err).toContain(
        `the sandbox cannot listen on 127.0.0.1:${port}: EADDRINUSE, the port is already in use`,
      );
      expect(err).not.toContain("this is a bug");
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
