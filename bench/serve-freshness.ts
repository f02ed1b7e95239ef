// Freshness of realtime REAIDs (issue 14): profiles created in the sandbox one after another, with
// `emi serve --worker` running (its own process) and no `emi sync`; measures the time from the
// create call's answer to the profile carrying its REAID in the sandbox.
// Run: npx tsx bench/serve-freshness.ts [profiles, default 30] [ms between creates, default 500]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { main } from "../src/cli/main.ts";
import { startSandbox } from "../src/sandbox/start-sandbox.ts";

const count = Number(process.argv[2] ?? 30);
const spacingMs = Number(process.argv[3] ?? 500);
const dir = mkdtempSync(join(tmpdir(), "emi-bench-fresh-"));
mkdirSync(join(dir, "integrations"));
writeFileSync(
  join(dir, "integrations/1042.yaml"),
  `account: 1042
provider: actito
actito:
  endpoint: api3
  entity: nordlys
  email: crm-team@nordlys.example
  apiKey: { secretRef: env:ACTITO_KEY_NORDLYS }
  profileTable: customers
realtime: true
`,
);
const sandbox = await startSandbox({ port: 0 });
const storeUrl = `sqlite:${join(dir, ".emi/state.db")}`;
const env = {
  ...process.env,
  EMI_ACTITO_URL: sandbox.url,
  ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
  EMI_NO_BUNDLE: "1",
};
const child = spawn(
  process.execPath,
  [join(process.cwd(), "bin/emi.js"), "serve", "--port", "0", "--store", storeUrl, "--worker"],
  {
    cwd: dir,
    stdio: ["ignore", "pipe", "ignore"],
    env,
  },
);
const url = await new Promise<string>((resolve) =>
  child.stdout.on("data", (d: Buffer) => {
    const match = /listening on (\S+)/.exec(String(d));
    if (match) resolve(match[1]!);
  }),
);
const quiet = { write: () => true };
const code = await main(["node", "emi", "apply", "--yes", "--store", storeUrl], {
  stdout: quiet,
  stderr: quiet,
  env: { ...env, EMI_PUBLIC_URL: url },
  cwd: dir,
});
if (code !== 0) throw new Error(`apply exited ${code}`);

const token = JSON.parse(
  await (
    await request(`${sandbox.url}/auth/token`, {
      headers: { authorization: "sandbox-key-nordlys", "x-emi-endpoint": "api3" },
    })
  ).body.text(),
).accessToken as string;
const headers = {
  authorization: `Bearer ${token}`,
  "x-emi-endpoint": "api3",
  "content-type": "application/json",
};
const waiting = new Map<number, number>();
const latencies: number[] = [];
const poll = setInterval(() => {
  if (waiting.size === 0) return;
  for (const profile of sandbox.profiles("nordlys", "nordlys", "16")) {
    const since = waiting.get(profile.profileId);
    if (since !== undefined && profile.attributes.reaid) {
      latencies.push(performance.now() - since);
      waiting.delete(profile.profileId);
    }
  }
}, 20);
for (let i = 0; i < count; i++) {
  const answer = await request(`${sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`, {
    method: "PUT",
    headers,
    body: JSON.stringify({
      key: { emailAddress: `fresh-${i}-${Date.now()}@nordlys.example` },
      attributes: {},
    }),
  });
  const { profileId } = JSON.parse(await answer.body.text()) as { profileId: number };
  waiting.set(profileId, performance.now());
  await new Promise((resolve) => setTimeout(resolve, spacingMs));
}
const deadline = Date.now() + 60_000;
while (waiting.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
clearInterval(poll);
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN);
console.log(
  `freshness over ${count} profiles created ${spacingMs} ms apart: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; ` +
    `${waiting.size} never got a REAID within 60 s; sandbox webhooks ${JSON.stringify(sandbox.stats().webhooks)}`,
);
child.kill("SIGTERM");
await new Promise((resolve) => child.on("close", resolve));
await sandbox.close();
rmSync(dir, { recursive: true, force: true });
