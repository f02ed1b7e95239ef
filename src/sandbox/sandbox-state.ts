import { randomBytes, randomUUID } from "node:crypto";
import { LicenceGate } from "./licence-gate.ts";
import type { MassImportJob } from "./mass-import-job.ts";
import { ProfileTableStore } from "./profile-table-store.ts";
import { SandboxSeedError } from "./sandbox-seed-error.ts";
import {
  type Faults,
  type Limits,
  type SandboxEndpoint,
  type SandboxSeed,
  type SeedAttribute,
  type SeedCampaign,
  type SeedLicence,
  type SeedProfileTable,
  defaultAttributes,
  defaultFaults,
  defaultLimits,
} from "./sandbox-seed.ts";
import {
  type LicenceStats,
  type SandboxStats,
  type TableStats,
  emptyLicenceStats,
  emptyTableStats,
} from "./sandbox-stats.ts";
import { seededRandom } from "./seeded-random.ts";
import { WebhookHub } from "./webhook-hub.ts";

export interface TableState {
  store: ProfileTableStore;
  stats: TableStats;
  /** Accepted imports per UTC day number. */
  importsByDay: Map<number, number>;
}

export interface EntityState {
  id: number;
  name: string;
  licence: LicenceState;
  tables: Map<string, TableState>;
  /** E-mail campaigns by id. */
  campaigns: Map<number, SeedCampaign>;
}

export interface LicenceState {
  name: string;
  endpoint: SandboxEndpoint;
  apiKeys: ReadonlySet<string>;
  entities: Map<string, EntityState>;
  stats: LicenceStats;
  gate: LicenceGate;
}

export interface IssuedToken {
  licence: LicenceState;
  expiresAt: number;
}

/**
 * The attributes of a seeded table: the declared ones, or the defaults when none are declared. A
 * default attribute (firstName, lastName) that explicit profiles use is added to declared ones
 * too, as the seed example of the sandbox issue does (it declares emailAddress only and seeds a
 * profile with a firstName). Any other undeclared name stays an error, so typos are caught.
 */
function tableAttributes(table: SeedProfileTable): readonly SeedAttribute[] {
  if (table.attributes === undefined) return defaultAttributes;
  const declared = new Set(table.attributes.map((a) => a.name));
  const used = new Set((table.profiles ?? []).flatMap((p) => Object.keys(p)));
  const completions = defaultAttributes.filter((a) => !declared.has(a.name) && used.has(a.name));
  return [...table.attributes, ...completions];
}

/** Everything the sandbox knows: licences, tables and profiles, tokens, imports, knobs, counters. */
export class SandboxState {
  readonly licences: LicenceState[] = [];
  /** Every entity of every licence by name, to tell "not yours" (403) from "no such" (404). */
  readonly entities = new Map<string, EntityState>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly imports = new Map<string, MassImportJob>();
  readonly faultCounts = { errors: 0, drops: 0, spoiledPages: 0 };
  readonly webhooks = new WebhookHub();
  limits: Limits;
  faults: Faults;
  random: () => number;
  closed = false;
  private nextImportId = 1;
  private nextChangeRequestId = 1;

  constructor(
    seed: SandboxSeed,
    readonly now: () => number,
    source: string,
  ) {
    this.limits = { ...defaultLimits, ...seed.limits };
    this.faults = { ...defaultFaults, ...seed.faults };
    this.random = seededRandom(this.faults.seed);
    const problems: string[] = [];
    const keysByEndpoint = new Map<string, string>();
    const at = now();
    let entityId = 1;
    for (const seedLicence of seed.licences) {
      const licence = this.addLicence(seedLicence);
      if (this.licences.some((l) => l !== licence && l.name === licence.name)) {
        problems.push(`licence ${licence.name} is declared twice`);
      }
      for (const key of seedLicence.apiKeys) {
        const owner = keysByEndpoint.get(`${seedLicence.endpoint} ${key}`);
        if (owner)
          problems.push(`licences ${owner} and ${licence.name} share an API key in ${licence.endpoint}`);
        keysByEndpoint.set(`${seedLicence.endpoint} ${key}`, licence.name);
      }
      for (const seedEntity of seedLicence.entities) {
        if (this.entities.has(seedEntity.name)) {
          problems.push(`entity ${seedEntity.name} is declared twice`);
          continue;
        }
        const entity: EntityState = {
          id: entityId++,
          name: seedEntity.name,
          licence,
          tables: new Map(),
          campaigns: new Map(),
        };
        for (const campaign of seedEntity.campaigns ?? []) {
          const where = `licence ${licence.name}, entity ${entity.name}, campaign ${campaign.id}`;
          if (entity.campaigns.has(campaign.id)) problems.push(`${where}: campaign id declared twice`);
          else if ([...entity.campaigns.values()].some((c) => c.name === campaign.name))
            problems.push(`${where}: campaign name ${campaign.name} is not unique`);
          else entity.campaigns.set(campaign.id, { ...campaign });
        }
        licence.entities.set(entity.name, entity);
        this.entities.set(entity.name, entity);
        for (const seedTable of seedEntity.profileTables) {
          const where = `licence ${licence.name}, entity ${entity.name}, table ${seedTable.id}`;
          if (entity.tables.has(seedTable.id)) {
            problems.push(`${where}: table id declared twice`);
            continue;
          }
          const attributes = tableAttributes(seedTable);
          const names = new Set<string>();
          for (const attribute of attributes) {
            if (names.has(attribute.name))
              problems.push(`${where}: attribute ${attribute.name} declared twice`);
            names.add(attribute.name);
          }
          const store = new ProfileTableStore(entity.name, seedTable.id, seedTable.name, attributes);
          store.generate(1, seedTable.generate ?? 0, at);
          (seedTable.profiles ?? []).forEach((values, index) => {
            const problem = store.checkWrite(values, undefined);
            if (problem) problems.push(`${where}: profiles[${index}]: ${problem}`);
            else store.create(values, at);
          });
          entity.tables.set(seedTable.id, { store, stats: emptyTableStats(), importsByDay: new Map() });
        }
      }
    }
    if (problems.length > 0) throw new SandboxSeedError(source, problems);
  }

  private addLicence(seed: SeedLicence): LicenceState {
    const stats = emptyLicenceStats();
    const licence: LicenceState = {
      name: seed.name,
      endpoint: seed.endpoint,
      apiKeys: new Set(seed.apiKeys),
      entities: new Map(),
      stats,
      gate: new LicenceGate(
        stats,
        () => this.limits,
        this.now,
        () => this.closed,
      ),
    };
    this.licences.push(licence);
    return licence;
  }

  /**
   * The licence owning `key`, in `endpoint` when given. Without an endpoint the key is looked up
   * in every environment; a key shared by two environments is then ambiguous.
   */
  licenceForKey(key: string, endpoint: SandboxEndpoint | undefined): LicenceState | "ambiguous" | undefined {
    const owners = this.licences.filter(
      (l) => l.apiKeys.has(key) && (endpoint === undefined || l.endpoint === endpoint),
    );
    if (owners.length > 1) return "ambiguous";
    return owners[0];
  }

  issueToken(licence: LicenceState): { accessToken: string; jti: string; lifetimeSeconds: number } {
    const accessToken = randomBytes(24).toString("base64url");
    const lifetimeSeconds = this.limits.tokenLifetimeSeconds;
    this.tokens.set(accessToken, { licence, expiresAt: this.now() + lifetimeSeconds * 1000 });
    licence.stats.tokensIssued++;
    return { accessToken, jti: randomUUID(), lifetimeSeconds };
  }

  newImportId(): string {
    return String(this.nextImportId++);
  }

  newChangeRequestId(): string {
    return String(this.nextChangeRequestId++);
  }

  stats(): SandboxStats {
    const stats: SandboxStats = {
      licences: {},
      tables: {},
      faults: { ...this.faultCounts },
      webhooks: { ...this.webhooks.stats },
    };
    for (const licence of this.licences) {
      stats.licences[licence.name] = { ...licence.stats };
      for (const entity of licence.entities.values()) {
        for (const [id, table] of entity.tables) {
          stats.tables[`${entity.name}/${id}`] = { ...table.stats, profiles: table.store.size };
        }
      }
    }
    return stats;
  }

  table(licence: string, entity: string, tableId: string): TableState | undefined {
    const found = this.entities.get(entity);
    if (!found || found.licence.name !== licence) return undefined;
    return found.tables.get(tableId);
  }
}
