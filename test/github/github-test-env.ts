import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeGitHub } from "./fake-github.ts";

/** An Actito key as a workflow would put it into the environment from its secrets. */
export const ACTITO_KEY = "ak_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
/** A store URL with a password, as EMI_STORE holds it in the apply workflow. */
export const STORE_PASSWORD = "s3cr3t-pg-passw0rd";

/** A GitHub Actions environment pointing at the fake, in a temporary folder. */
export interface ActionsEnv {
  env: Record<string, string | undefined>;
  dir: string;
  summary(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function actionsEnv(
  fake: FakeGitHub,
  event: { name: string; payload: unknown; sha?: string },
): Promise<ActionsEnv> {
  const dir = await mkdtemp(join(tmpdir(), "emi-github-"));
  const eventPath = join(dir, "event.json");
  await writeFile(eventPath, JSON.stringify(event.payload));
  const summaryPath = join(dir, "step-summary.md");
  const env: Record<string, string | undefined> = {
    GITHUB_ACTIONS: "true",
    GITHUB_TOKEN: fake.token,
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: event.sha ?? "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "4242",
    GITHUB_STEP_SUMMARY: summaryPath,
    ACTITO_KEY_NORDLYS: ACTITO_KEY,
    EMI_STORE: `postgres://emi:${STORE_PASSWORD}@db.example:5432/emi`,
  };
  return {
    env,
    dir,
    summary: () => readFile(summaryPath, "utf8").catch(() => ""),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A pull_request event payload, from the same repository or from a fork. */
export function pullRequestEvent(fake: FakeGitHub, number: number, options: { fork?: boolean } = {}) {
  const base = `${fake.owner}/${fake.repo}`;
  const head = options.fork ? `contributor/${fake.repo}` : base;
  return {
    action: "synchronize",
    number,
    pull_request: {
      number,
      head: {
        sha: "feedfacefeedfacefeedfacefeedfacefeedface",
        repo: { full_name: head, fork: options.fork === true },
      },
      base: { sha: "0000000000000000000000000000000000000000", repo: { full_name: base, fork: false } },
    },
  };
}

/** Client settings for tests: no throttling (it spaces writes by a second), near-instant retries. */
export const testClientOptions = { throttle: false, retryBaseMs: 1, retries: 1 } as const;

/** A plan rendered as Markdown, shaped like emi's renderer output, for `count` integrations. */
export function planMarkdown(count: number, options: { secret?: string } = {}): string {
  const parts = [
    "## emi plan",
    "",
    `**${count} to create**, 0 to update, 0 to deactivate.`,
    "",
    "| account | action | reason |",
    "|---|---|---|",
  ];
  for (let i = 0; i < count; i++) parts.push(`| ${2000 + i} | create | new declaration |`);
  parts.push("");
  for (let i = 0; i < count; i++) {
    parts.push(
      "<details>",
      `<summary><b>${2000 + i}</b> — create</summary>`,
      "",
      "```diff",
      `+ account: ${2000 + i}`,
      "+ provider: actito",
      "+ actito:",
      "+   endpoint: api3",
      `+   entity: entity-${i}`,
      `+   email: crm-${i}@example.com`,
      `+   apiKey: { secretRef: env:ACTITO_KEY_${i} }`,
      "+   profileTable: customers",
      `+ sisterAccounts: [${9000 + i}, ${9500 + i}]`,
      "+ emailSync: true",
      "```",
      "",
      "Live facts: key unknown (no secret in this run), entity unknown, table unknown.",
      options.secret ?? "",
      "</details>",
      "",
    );
  }
  return parts.join("\n");
}
