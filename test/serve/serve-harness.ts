import { startServe, type RunningServe, type StartServeOptions } from "../../src/serve/start-serve.ts";
import { inboxWorkerForServe } from "../../src/serve/inbox-worker-for-serve.ts";
import { createWorld, type World } from "../e2e/e2e-harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in assertions.
type Json = any;

/** A world (example declarations, sandbox, SQLite store) after `emi apply`, and emi serve on port 0. */
export interface ServeWorld {
  world: World;
  serve: RunningServe;
  /** Every log line serve wrote, for the no-leak checks. */
  logs: string[];
  createKey(account: number, extra?: string[]): Promise<string>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Json; headers: Headers }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; json: Json; text: string }>;
  close(): Promise<void>;
}

export async function createServeWorld(
  options: { storeUrl?: string; serve?: Partial<StartServeOptions>; worker?: boolean } = {},
): Promise<ServeWorld> {
  const world = await createWorld();
  if (options.storeUrl) {
    const storeUrl = options.storeUrl;
    world.env.EMI_STORE = storeUrl;
    (world as { storeUrl: string }).storeUrl = storeUrl;
    // commander reads EMI_STORE from the process, not from the injected environment: say it.
    const run = world.run.bind(world);
    world.run = (args, runOptions) => run([...args, "--store", storeUrl], runOptions);
  }
  const applied = await world.run(["apply", "--yes"]);
  if (applied.code !== 0) throw new Error(`apply failed: ${applied.err}`);
  const logs: string[] = [];
  const serve = await startServe({
    storeUrl: world.env.EMI_STORE!,
    cwd: world.dir,
    host: "127.0.0.1",
    port: 0,
    log: (line) => logs.push(JSON.stringify(line)),
    ...(options.worker
      ? {
          background: inboxWorkerForServe({
            dir: "integrations",
            io: { env: world.env, cwd: world.dir },
            log: (line) => logs.push(JSON.stringify(line)),
            intervalMs: 100,
            rereadMs: 200,
          }),
        }
      : {}),
    ...options.serve,
  });
  return {
    world,
    serve,
    logs,
    async createKey(account, extra = []) {
      const created = await world.run(["api-key", "create", "--account", String(account), ...extra]);
      if (created.code !== 0) throw new Error(`api-key create failed: ${created.err}`);
      return created.out.trim();
    },
    async post(path, body, headers = {}) {
      const response = await fetch(`${serve.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
    },
    async get(path, headers = {}) {
      const response = await fetch(`${serve.url}${path}`, { headers });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: response.status, json, text };
    },
    async close() {
      await serve.close();
      await world.close();
    },
  };
}
