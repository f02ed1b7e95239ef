import type { ActitoApi, ProfileTable } from "../actito/types.ts";
import type { ReaidOwnershipStore } from "../store/reaid-ownership.ts";
import {
  classifyExistingValues,
  type ExistingValueRow,
  valueText,
} from "../sync/classify-existing-values.ts";
import { countVerdict, emptyOwnership } from "../sync/ownership-tally.ts";
import { profileEmail } from "../sync/profile-fields.ts";
import type { ExistingValues, LiveFacts } from "./plan-types.ts";

const EXAMPLES = 3;

/**
 * Reads the first `pages` pages of the table (e-mail and REAID attribute only) and says how many
 * profiles lack a REAID and, of the values present, which emi wrote (this namespace, another one)
 * and which it did not — or, when adopting, which would be adopted and which left for a person.
 * Reads only: nothing is adopted or created here.
 */
export async function readExistingValues(
  client: ActitoApi,
  input: {
    entity: string;
    table: ProfileTable;
    reaidAttribute: string;
    store: ReaidOwnershipStore;
    namespace: string;
    adopt: boolean;
    pages: number;
  },
): Promise<Pick<LiveFacts, "profilesWithoutReaid" | "existingValues">> {
  const { table, reaidAttribute } = input;
  const present = table.attributes.some((a) => a.name === reaidAttribute);
  const emailAttribute = table.attributes.find((a) => a.type === "EMAIL_ADDRESS")?.name ?? null;
  const rows: ExistingValueRow[] = [];
  let count = 0;
  let complete = true;
  let pages = 0;
  for await (const page of client.listProfiles(input.entity, table.id, {
    pageSize: 1000,
    ...(present ? { attributes: [reaidAttribute, ...(emailAttribute ? [emailAttribute] : [])] } : {}),
  })) {
    for (const profile of page.profiles) {
      const value = present ? profile.attributes[reaidAttribute] : null;
      if (valueText(value) === null) count++;
      else {
        const email = emailAttribute ? profileEmail(profile.attributes[emailAttribute]) : null;
        rows.push({ profileId: profile.profileId, email, value });
      }
    }
    pages++;
    if (page.nextCursor !== null && pages >= input.pages) {
      complete = false;
      break;
    }
  }
  const profilesWithoutReaid = { count, complete };
  if (rows.length === 0) return { profilesWithoutReaid, existingValues: null };
  return { profilesWithoutReaid, existingValues: await classify(input.store, rows, input, complete) };
}

async function classify(
  store: ReaidOwnershipStore,
  rows: ExistingValueRow[],
  input: { namespace: string; adopt: boolean },
  complete: boolean,
): Promise<ExistingValues> {
  const holders = await store.holdersOfReaids(
    rows.map((r) => r.value).filter((v): v is string => typeof v === "string"),
  );
  const result: ExistingValues = { ...emptyExisting(complete), values: rows.length };
  const unknown: ExistingValueRow[] = [];
  for (const row of rows) {
    const holder = typeof row.value === "string" ? holders.get(row.value) : undefined;
    if (holder === undefined) unknown.push(row);
    else if (holder.namespace === input.namespace) {
      result.ours++;
      // Without the store key (a pull request's plan) holders cannot be matched to e-mails: not counted.
      const hash = row.email === null ? null : store.addressHash(row.email);
      if (hash !== null && holder.emailHash !== hash) result.mismatched++;
    } else {
      const other = result.otherNamespaces[holder.namespace] ?? { count: 0, examples: [] };
      result.otherNamespaces[holder.namespace] = other;
      other.count++;
      if (other.examples.length < EXAMPLES) other.examples.push(row.profileId);
    }
  }
  if (unknown.length === 0) return result;
  const emails = unknown.flatMap((r) => (r.email === null ? [] : [r.email]));
  const emailReaids =
    input.adopt && emails.length > 0 && store.addressHash("") !== null
      ? await store.findReaids(input.namespace, emails)
      : new Map<string, string>();
  const classified = classifyExistingValues(unknown, {
    namespace: input.namespace,
    holders: new Map(),
    emailReaids,
    adopt: input.adopt,
    addressHash: (email, asStored) => store.addressHash(email, asStored),
  });
  const tally = emptyOwnership();
  for (const [profileId, verdict] of classified.verdicts) countVerdict(tally, profileId, verdict);
  result.foreign = tally.foreign;
  result.foreignExamples = tally.foreignExamples;
  result.adoptable = tally.adopted;
  result.left = tally.left;
  result.leftExamples = tally.leftExamples;
  return result;
}

function emptyExisting(complete: boolean): ExistingValues {
  return {
    complete,
    values: 0,
    ours: 0,
    mismatched: 0,
    otherNamespaces: {},
    foreign: 0,
    foreignExamples: [],
    adoptable: 0,
    left: {},
    leftExamples: [],
  };
}
