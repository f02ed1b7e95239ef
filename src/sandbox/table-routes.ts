import { technicalAttributes } from "./attribute-rules.ts";
import { HttpError } from "./http-error.ts";
import type { ProfileTableStore } from "./profile-table-store.ts";
import { type RouteContext, type RouteResult, entityOf, readJsonObject, tableOf } from "./route-context.ts";
import type { SeedAttribute } from "./sandbox-seed.ts";

const valueTypes = new Set(["STRING", "INTEGER", "BOOLEAN", "TIMESTAMP", "DATE", "DECIMAL"]);
const attributeName = /^[A-Za-z][A-Za-z0-9_]{0,49}$/;

/** A profile table as Actito describes it; without its profile count when `withCount` is false. */
function describeTable(store: ProfileTableStore, withCount = true): unknown {
  return {
    id: store.id,
    name: store.name,
    attributes: store.attributes.map((a) => ({
      name: a.name,
      type: a.type,
      valueType: a.valueType,
      unique: a.unique ?? false,
      mandatory: a.mandatory ?? false,
      valueRestriction: { maxLength: a.valueRestriction?.maxLength ?? 255 },
    })),
    // [model] see parseProfileTable in src/actito/routes.ts.
    ...(withCount ? { profileCount: store.size } : {}),
  };
}

/** `GET /entities/v5/entities`. */
export function listEntities(ctx: RouteContext): RouteResult {
  const entities = [...ctx.licence.entities.values()].map((e) => ({ id: e.id, name: e.name, comment: null }));
  return { status: 200, body: { entities } };
}

/** `GET /profile-table-structure/v5/entities/{entity}/profile-tables`. */
export function listTables(ctx: RouteContext): RouteResult {
  const entity = entityOf(ctx, ctx.params[0]!);
  return {
    status: 200,
    body: {
      profileTables: [...entity.tables.values()].map((t) =>
        describeTable(t.store, ctx.state.faults.noProfileCount === 0),
      ),
    },
  };
}

/** `GET /profile-table-structure/v5/entities/{entity}/profile-tables/{tableId}`. */
export function getTable(ctx: RouteContext): RouteResult {
  return {
    status: 200,
    body: describeTable(
      tableOf(ctx, ctx.params[0]!, ctx.params[1]!).store,
      ctx.state.faults.noProfileCount === 0,
    ),
  };
}

function parseAttribute(value: unknown, index: number): SeedAttribute {
  const where = `addAttributes[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "INVALID_BODY", `${where} must be an object`);
  }
  const a = value as Record<string, unknown>;
  if (typeof a.name !== "string" || !attributeName.test(a.name)) {
    throw new HttpError(
      400,
      "INVALID_BODY",
      `${where}.name must be a technical name of at most 50 letters, digits or _`,
    );
  }
  if (typeof a.type !== "string" || a.type === "") {
    throw new HttpError(400, "INVALID_BODY", `${where}.type is required`);
  }
  if (typeof a.valueType !== "string" || !valueTypes.has(a.valueType)) {
    throw new HttpError(
      400,
      "INVALID_BODY",
      `${where}.valueType must be one of ${[...valueTypes].join(", ")}`,
    );
  }
  if (a.unique !== undefined && typeof a.unique !== "boolean") {
    throw new HttpError(400, "INVALID_BODY", `${where}.unique must be a boolean`);
  }
  if (a.mandatory !== undefined && typeof a.mandatory !== "boolean") {
    throw new HttpError(400, "INVALID_BODY", `${where}.mandatory must be a boolean`);
  }
  let maxLength: number | undefined;
  if (a.valueRestriction !== undefined && a.valueRestriction !== null) {
    const restriction = a.valueRestriction as Record<string, unknown>;
    const max = restriction.maxLength;
    if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 255)) {
      throw new HttpError(400, "INVALID_BODY", `${where}.valueRestriction.maxLength must be 1 to 255`);
    }
    maxLength = max as number | undefined;
  }
  return {
    name: a.name,
    type: a.type,
    valueType: a.valueType,
    unique: (a.unique as boolean | undefined) ?? false,
    mandatory: (a.mandatory as boolean | undefined) ?? false,
    ...(maxLength === undefined ? {} : { valueRestriction: { maxLength } }),
  };
}

/**
 * `POST …/profile-tables/{tableId}/change-requests` with `{"addAttributes":[…]}`: all or nothing;
 * `409` when an attribute of that name exists, whatever its definition.
 */
export async function changeTable(ctx: RouteContext): Promise<RouteResult> {
  const [entity, tableId] = [ctx.params[0]!, ctx.params[1]!];
  const table = tableOf(ctx, entity, tableId);
  const body = await readJsonObject(ctx);
  const additions = body.addAttributes;
  if (!Array.isArray(additions) || additions.length === 0) {
    throw new HttpError(400, "INVALID_BODY", "addAttributes must be a non-empty array");
  }
  const attributes = additions.map(parseAttribute);
  const names = new Set<string>();
  for (const attribute of attributes) {
    if (
      technicalAttributes.has(attribute.name) ||
      table.store.attribute(attribute.name) ||
      names.has(attribute.name)
    ) {
      throw new HttpError(409, "CONFLICT", `an attribute named ${attribute.name} already exists`);
    }
    if (attribute.mandatory && table.store.size > 0) {
      throw new HttpError(
        400,
        "INVALID_BODY",
        `${attribute.name} cannot be mandatory: the table has profiles`,
      );
    }
    names.add(attribute.name);
  }
  for (const attribute of attributes) table.store.addAttribute(attribute);
  const id = ctx.state.newChangeRequestId();
  return {
    status: 201,
    body: { id, status: "DONE" },
    headers: {
      location: `/profile-table-structure/v5/entities/${entity}/profile-tables/${tableId}/change-requests/${id}`,
    },
  };
}
