// Plan at scale, pure part: buildPlan and the three renderers for N declarations (no I/O).
// Run: npx tsx bench/plan.ts [N]
import { buildPlan } from "../src/plan/build-plan.ts";
import type { LiveFacts } from "../src/plan/plan-types.ts";
import type { AccountLive } from "../src/plan/refresh-live-state.ts";
import { renderPlanJson } from "../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../src/plan/render-markdown.ts";
import { renderPlanText } from "../src/plan/render-text.ts";
import type { RegistryEntry } from "../src/store/store.ts";
import type { Declared, DesiredIntegration } from "../src/types/declared.ts";

const n = Number(process.argv[2] ?? 5000);
const facts: LiveFacts = {
  secretAvailable: true,
  key: "works",
  keyChanged: false,
  entity: "found",
  table: { status: "found", id: "1", name: "customers" },
  attribute: { status: "present", definition: null },
  profilesWithoutReaid: { count: 10, complete: true },
  error: null,
};
const declared: Declared[] = [];
const registry: RegistryEntry[] = [];
const accounts = new Map<number, AccountLive>();
for (let i = 0; i < n; i++) {
  const account = 100_000 + i * 3;
  const integration: DesiredIntegration = {
    account,
    provider: "actito",
    actito: {
      endpoint: "api3",
      entity: `e${i}`,
      email: `crm@e${i}.example`,
      apiKey: { secretRef: `env:K${i}` },
      profileTable: "customers",
      reaidAttribute: "reaid",
    },
    sisterAccounts: [account + 1],
    emailSync: true,
  };
  declared.push({ file: `integrations/${account}.yaml`, contentHash: `sha256:${i}`, integration });
  accounts.set(account, { facts, keyFingerprint: "fp" });
  // A third exist unchanged, a third changed (a new sister), a third are new.
  if (i % 3 !== 2) {
    registry.push({
      account,
      sisterAccounts: i % 3 === 0 ? [account + 1] : [],
      provider: "actito",
      endpoint: "api3",
      entity: `e${i}`,
      profileTable: "customers",
      profileTableId: "1",
      reaidAttribute: "reaid",
      email: `crm@e${i}.example`,
      keyFingerprint: "fp",
      emailSync: true,
      status: "active",
      managedBy: "acme/integrations",
      revision: 1,
      updatedAt: "2026-01-01T00:00:00Z",
      sync: {
        health: "in sync",
        reason: null,
        lastRun: null,
        counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
      },
    });
  }
}
const time = <T>(label: string, fn: () => T): T => {
  const t = performance.now();
  const r = fn();
  console.log(`${label.padEnd(22)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
  return r;
};
const plan = time(`buildPlan (${n})`, () =>
  buildPlan({
    declared,
    diagnostics: [],
    live: { registry, registryRevision: 1, accounts },
    repo: "acme/integrations",
    dir: "integrations",
    allowDeactivate: false,
  }),
);
const text = time("renderPlanText", () => renderPlanText(plan));
const md = time("renderPlanMarkdown", () => renderPlanMarkdown(plan));
const json = time("renderPlanJson", () => renderPlanJson(plan));
console.log(`sizes: text ${text.length}, markdown ${md.length} (cap 60000), json ${json.length} chars`);
