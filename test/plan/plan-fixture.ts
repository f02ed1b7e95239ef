import { buildPlan } from "../../src/plan/build-plan.ts";
import type { LiveFacts, Plan } from "../../src/plan/plan-types.ts";
import type { AccountLive, LiveState } from "../../src/plan/refresh-live-state.ts";
import type { RegistryEntry } from "../../src/store/store.ts";
import type { Declared, DesiredIntegration } from "../../src/types/declared.ts";

export const REPO = "acme/integrations";

export function desired(
  account: number,
  entity: string,
  overrides: Partial<DesiredIntegration> & {
    table?: string;
    endpoint?: DesiredIntegration["actito"]["endpoint"];
  } = {},
): DesiredIntegration {
  return {
    account,
    provider: "actito",
    actito: {
      endpoint: overrides.endpoint ?? "api3",
      entity,
      email: `crm@${entity}.example`,
      apiKey: { secretRef: `env:ACTITO_KEY_${entity.toUpperCase()}` },
      profileTable: overrides.table ?? "customers",
      reaidAttribute: "reaid",
    },
    sisterAccounts: overrides.sisterAccounts ?? [],
    emailSync: overrides.emailSync ?? true,
  };
}

export function declaredOf(integration: DesiredIntegration, hash = "sha256:aaaa"): Declared {
  return {
    file: `integrations/${integration.account}.yaml`,
    contentHash: `${hash}${integration.account}`,
    integration,
  };
}

export function entryOf(
  integration: DesiredIntegration,
  overrides: Partial<RegistryEntry> = {},
): RegistryEntry {
  return {
    account: integration.account,
    sisterAccounts: integration.sisterAccounts,
    provider: "actito",
    endpoint: integration.actito.endpoint,
    entity: integration.actito.entity,
    profileTable: integration.actito.profileTable ?? null,
    profileTableId: "16",
    reaidAttribute: integration.actito.reaidAttribute,
    email: integration.actito.email,
    keyFingerprint: "fp-old",
    emailSync: integration.emailSync,
    status: "active",
    managedBy: REPO,
    revision: 1,
    updatedAt: "2026-01-01T00:00:00.000Z",
    sync: {
      health: "in sync",
      reason: null,
      lastRun: null,
      counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
    },
    ...overrides,
  };
}

export function liveFacts(overrides: Partial<LiveFacts> = {}): LiveFacts {
  return {
    secretAvailable: true,
    key: "works",
    keyChanged: false,
    entity: "found",
    table: { status: "found", id: "16", name: "customers" },
    attribute: {
      status: "present",
      definition: {
        name: "reaid",
        type: "CUSTOM",
        valueType: "STRING",
        unique: true,
        valueRestriction: { maxLength: 64 },
      },
    },
    profilesWithoutReaid: { count: 0, complete: true },
    error: null,
    ...overrides,
  };
}

export function liveState(
  registry: RegistryEntry[],
  accounts: [number, LiveFacts, string?][],
  registryRevision = 7,
): LiveState {
  return {
    registry,
    registryRevision,
    accounts: new Map<number, AccountLive>(
      accounts.map(([a, facts, fp]) => [
        a,
        { facts, keyFingerprint: facts.secretAvailable ? (fp ?? "fp-old") : null },
      ]),
    ),
  };
}

/** The plan of the golden plan renderings (test/plan/golden/): a create, a sister move between two updates, a blocked deactivation. */
export function examplePlan(allowDeactivate = false): Plan {
  const lumen = desired(1071, "lumen", { sisterAccounts: [1072] });
  const nordlys = desired(1042, "nordlys", { sisterAccounts: [1043] });
  const boreal = desired(1050, "boreal", { endpoint: "api1", table: "members", sisterAccounts: [1044] });
  const quiet = desired(1080, "quiet");
  const fork = desired(1090, "fork");
  const solstice = desired(1010, "solstice", { endpoint: "api" });
  const registry = [
    entryOf(solstice, { profileTableId: "21" }),
    entryOf(nordlys, { sisterAccounts: [1043, 1044] }),
    entryOf(boreal, { sisterAccounts: [], profileTableId: "7" }),
    entryOf(quiet),
    entryOf(fork),
  ];
  return buildPlan({
    declared: [lumen, nordlys, boreal, quiet, fork].map((d) => declaredOf(d)),
    diagnostics: [],
    live: liveState(registry, [
      [
        1071,
        liveFacts({
          attribute: { status: "missing", definition: null },
          profilesWithoutReaid: { count: 48_200, complete: true },
        }),
      ],
      [1042, liveFacts({ keyChanged: true }), "fp-new"],
      [1050, liveFacts({ table: { status: "found", id: "7", name: "members" } })],
      [1080, liveFacts()],
      [
        1090,
        {
          ...liveFacts(),
          secretAvailable: false,
          key: "unknown",
          keyChanged: null,
          entity: "unknown",
          table: { status: "unknown", id: null, name: null },
          attribute: { status: "unknown", definition: null },
          profilesWithoutReaid: null,
        },
      ],
    ]),
    repo: REPO,
    dir: "integrations",
    allowDeactivate,
    now: new Date("2026-11-27T08:00:00.000Z"),
  });
}
