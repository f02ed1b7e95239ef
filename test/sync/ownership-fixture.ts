import { request } from "undici";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { apiKey, type SyncWorld, syncSeed } from "./sync-fixture.ts";

type Values = Record<string, string | null>;

/** syncSeed with extra attributes on table 16 (e.g. a loyaltyCode that holds other data). */
export function seedWith(options: {
  generate: number;
  emailUnique?: boolean;
  profiles?: Values[];
  attributes?: NonNullable<
    SandboxSeed["licences"][number]["entities"][number]["profileTables"][number]["attributes"]
  >;
}): SandboxSeed {
  const seed = syncSeed({
    generate: options.generate,
    ...(options.emailUnique === undefined ? {} : { emailUnique: options.emailUnique }),
    ...(options.profiles ? { profiles: options.profiles } : {}),
  });
  const table = seed.licences[0]!.entities[0]!.profileTables[0]!;
  table.attributes!.push(...(options.attributes ?? []));
  return seed;
}

/** Every profile of table 16 as `profileId → attributes`, for value-by-value comparisons. */
export function snapshot(world: SyncWorld): Map<number, Record<string, unknown>> {
  const all = new Map<number, Record<string, unknown>>();
  for (const p of world.sandbox.profiles("acme", "acme", "16")) all.set(p.profileId, { ...p.attributes });
  return all;
}

/** PATCHes profiles through Actito's API (as another tool would), bypassing emi. */
export async function patchProfiles(
  world: SyncWorld,
  writes: { ref: string; attributes: Values }[],
): Promise<void> {
  const headers = { "x-emi-endpoint": "api3" };
  const auth = await request(`${world.sandbox.url}/auth/token`, {
    headers: { ...headers, authorization: apiKey },
  });
  const { accessToken } = (await auth.body.json()) as { accessToken: string };
  for (const { ref, attributes } of writes) {
    const res = await request(
      `${world.sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles/${encodeURIComponent(ref)}`,
      {
        method: "PATCH",
        headers: { ...headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ attributes }),
      },
    );
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`PATCH ${ref} answered ${res.statusCode}: ${text}`);
  }
}
