import { technicalAttributes } from "./attribute-rules.ts";
import { HttpError } from "./http-error.ts";
import { type RouteContext, type RouteResult, readJsonObject, tableOf } from "./route-context.ts";
import type { AttributeValue } from "./sandbox-seed.ts";
import type { TableState } from "./sandbox-state.ts";

const cursorPrefix = "after:";

/** The cursor is opaque to clients: the last profileId of the page, so changes never shift it. */
function encodeCursor(lastProfileId: number): string {
  return Buffer.from(`${cursorPrefix}${lastProfileId}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = Number(text.slice(cursorPrefix.length));
  if (!text.startsWith(cursorPrefix) || !Number.isSafeInteger(id) || id < 0) {
    throw new HttpError(400, "INVALID_PARAMETER", "cursor is not a cursor this server returned");
  }
  return id;
}

/**
 * `GET …/profiles?pageSize=N&cursor=C&updatedSince=ISO&attributes=a,b`, in profileId order.
 * A profile created while a client pages is seen on a later page; one updated behind the cursor is
 * not seen again in this pass, which is why incremental reads use `updatedSince`.
 */
export function listProfiles(ctx: RouteContext): RouteResult {
  const table = tableOf(ctx, ctx.params[0]!, ctx.params[1]!);
  const max = ctx.state.limits.maxPageSize;
  const pageSizeText = ctx.query.get("pageSize");
  const pageSize = pageSizeText === null ? Math.min(100, max) : Number(pageSizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
    throw new HttpError(400, "INVALID_PARAMETER", `pageSize must be an integer from 1 to ${max}`);
  }
  const cursor = ctx.query.get("cursor");
  const afterId = cursor ? decodeCursor(cursor) : 0;
  const sinceText = ctx.query.get("updatedSince");
  let updatedSince: number | undefined;
  if (sinceText !== null) {
    updatedSince = Date.parse(sinceText);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(sinceText) || Number.isNaN(updatedSince)) {
      throw new HttpError(400, "INVALID_PARAMETER", "updatedSince must be an ISO 8601 timestamp");
    }
  }
  const attributesText = ctx.query.get("attributes");
  let only: string[] | undefined;
  if (attributesText !== null && attributesText !== "") {
    only = attributesText.split(",").map((a) => a.trim());
    for (const name of only) {
      if (!technicalAttributes.has(name) && !table.store.attribute(name)) {
        throw new HttpError(400, "INVALID_PARAMETER", `unknown attribute ${name}`);
      }
    }
  }
  const slice = table.store.list({ afterId, pageSize, updatedSince, only });
  table.stats.pagesListed++;
  const spoiled = spoilPage(ctx, afterId, slice.profiles);
  if (spoiled) return { status: 200, body: { profiles: spoiled, nextCursor: null } };
  const nextCursor = slice.more && slice.lastProfileId !== null ? encodeCursor(slice.lastProfileId) : null;
  return { status: 200, body: { profiles: slice.profiles, nextCursor } };
}

/**
 * The faults `emptyPageAt` and `truncateListingAfter`: the page as a faulty listing would answer it
 * (empty, or cut short, and with no next cursor), or null when no fault applies to it.
 */
function spoilPage<T extends { profileId: number }>(
  ctx: RouteContext,
  afterId: number,
  profiles: T[],
): T[] | null {
  const { faults, faultCounts } = ctx.state;
  if (faults.listingFaultTimes > 0 && faultCounts.spoiledPages >= faults.listingFaultTimes) return null;
  let spoiled: T[] | null = null;
  if (faults.emptyPageAt > 0 && afterId === faults.emptyPageAt) spoiled = [];
  else if (faults.truncateListingAfter > 0 && afterId < faults.truncateListingAfter) {
    const last = profiles.at(-1);
    if (last && last.profileId > faults.truncateListingAfter) {
      spoiled = profiles.filter((p) => p.profileId <= faults.truncateListingAfter);
    }
  }
  if (spoiled) faultCounts.spoiledPages++;
  return spoiled;
}

/** The slot named by `{key}`: a profileId, or `attr=value` on a unique attribute. */
function slotOf(table: TableState, key: string): number {
  const equals = key.indexOf("=");
  if (equals < 0) {
    if (!/^\d+$/.test(key))
      throw new HttpError(400, "INVALID_PARAMETER", "a profile key is a profileId or attr=value");
    const slot = table.store.findSlot("profileId", Number(key));
    if (slot === undefined) throw new HttpError(404, "NOT_FOUND", "no profile has this key");
    return slot;
  }
  const name = key.slice(0, equals);
  const text = key.slice(equals + 1);
  const attribute = table.store.attribute(name);
  if (name !== "profileId" && !attribute)
    throw new HttpError(400, "INVALID_PARAMETER", `unknown attribute ${name}`);
  if (name !== "profileId" && !table.store.isUnique(name)) {
    throw new HttpError(
      400,
      "INVALID_PARAMETER",
      `attribute ${name} is not unique and cannot identify a profile`,
    );
  }
  const value: AttributeValue =
    attribute?.valueType === "INTEGER" || name === "profileId" ? Number(text) : text;
  const slot = table.store.findSlot(name, value);
  if (slot === undefined) throw new HttpError(404, "NOT_FOUND", "no profile has this key");
  return slot;
}

/** `GET …/profiles/{key}`. */
export function getProfile(ctx: RouteContext): RouteResult {
  const table = tableOf(ctx, ctx.params[0]!, ctx.params[1]!);
  return { status: 200, body: table.store.read(slotOf(table, ctx.params[2]!)) };
}

function attributesOf(body: Record<string, unknown>): Record<string, AttributeValue> {
  const attributes = body.attributes;
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    throw new HttpError(400, "INVALID_BODY", "attributes must be an object");
  }
  for (const value of Object.values(attributes)) {
    if (value !== null && !["string", "number", "boolean"].includes(typeof value)) {
      throw new HttpError(400, "INVALID_BODY", "attribute values must be strings, numbers, booleans or null");
    }
  }
  return attributes as Record<string, AttributeValue>;
}

/** `PATCH …/profiles/{key}` with `{"attributes":{…}}`: `204`; an unknown key is `404`, never a new profile. */
export async function patchProfile(ctx: RouteContext): Promise<RouteResult> {
  const table = tableOf(ctx, ctx.params[0]!, ctx.params[1]!);
  const slot = slotOf(table, ctx.params[2]!);
  const values = attributesOf(await readJsonObject(ctx));
  if (Object.keys(values).length === 0) throw new HttpError(400, "INVALID_BODY", "attributes is empty");
  const problem = table.store.checkWrite(values, slot);
  if (problem) throw new HttpError(400, "INVALID_VALUE", problem);
  table.store.write(slot, values, ctx.state.now());
  table.stats.patches++;
  return { status: 204 };
}

/** `PUT …/profiles` with `{"key":{attr:value},"attributes":{…}}`: creates or updates. */
export async function upsertProfile(ctx: RouteContext): Promise<RouteResult> {
  const table = tableOf(ctx, ctx.params[0]!, ctx.params[1]!);
  const body = await readJsonObject(ctx);
  const key = body.key;
  if (typeof key !== "object" || key === null || Array.isArray(key) || Object.keys(key).length !== 1) {
    throw new HttpError(400, "INVALID_BODY", "key must be an object with one unique attribute");
  }
  const [name, value] = Object.entries(key)[0]!;
  if (!table.store.isUnique(name))
    throw new HttpError(400, "INVALID_BODY", `key ${name} is not a unique attribute`);
  const values = { ...attributesOf(body), [name]: value as AttributeValue };
  const slot = table.store.findSlot(name, value as AttributeValue);
  const problem = table.store.checkWrite(values, slot);
  if (problem) throw new HttpError(400, "INVALID_VALUE", problem);
  table.stats.upserts++;
  if (slot === undefined) {
    const profileId = table.store.create(values, ctx.state.now());
    const [entity, tableId] = [ctx.params[0]!, ctx.params[1]!];
    const location = `/profiles/v5/entities/${entity}/profile-tables/${tableId}/profiles/${profileId}`;
    return { status: 201, body: { profileId }, headers: { location } };
  }
  table.store.write(slot, values, ctx.state.now());
  return { status: 200, body: { profileId: slot + 1 } };
}
