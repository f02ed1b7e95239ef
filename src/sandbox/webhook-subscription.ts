import { HttpError } from "./http-error.ts";

/** A webhook subscription as docs/actito-model.md ("Webhooks") models it. */
export interface WebhookSubscription {
  id: string;
  on: "PROFILE_TABLE";
  eventType: string;
  onElementId: string;
  onFields: string[];
  targetUrl: string;
  headers: Record<string, string>;
  isActive: boolean;
  pushMode: "ONE_BY_ONE" | "BULK";
  maxBlockSize: number;
}

const EVENT_TYPES = new Set(["CREATE", "UPDATE", "UPDATED_SUBSCRIPTION", "UPDATED_SEGMENT", "DELETE"]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** The largest bulk block the sandbox accepts. */
const MAX_BLOCK_SIZE = 1000;

function invalid(message: string): HttpError {
  return new HttpError(400, "INVALID_BODY", message);
}

/**
 * Checks a subscription body: Actito requires HTTPS targets; the sandbox also takes http on
 * loopback so tests and `emi demo` can receive deliveries without a certificate.
 */
export function parseSubscription(body: Record<string, unknown>, id: string): WebhookSubscription {
  if (body.on !== "PROFILE_TABLE") throw invalid('on must be "PROFILE_TABLE"');
  if (typeof body.eventType !== "string" || !EVENT_TYPES.has(body.eventType)) {
    throw invalid(`eventType must be one of ${[...EVENT_TYPES].join(", ")}`);
  }
  const element = body.onElementId;
  if ((typeof element !== "string" && typeof element !== "number") || String(element) === "") {
    throw invalid("onElementId must name a profile table id");
  }
  const onFields = body.onFields ?? [];
  if (!Array.isArray(onFields) || !onFields.every((f) => typeof f === "string")) {
    throw invalid("onFields must be a list of attribute names");
  }
  let url: URL;
  try {
    url = new URL(String(body.targetUrl));
  } catch {
    throw invalid("targetUrl must be an absolute URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw invalid("targetUrl must use https (the sandbox also allows http on loopback)");
  }
  const headers = body.headers ?? {};
  if (
    typeof headers !== "object" ||
    headers === null ||
    Array.isArray(headers) ||
    !Object.values(headers).every((v) => typeof v === "string")
  ) {
    throw invalid("headers must be an object of strings");
  }
  const pushMode = body.pushMode ?? "ONE_BY_ONE";
  if (pushMode !== "ONE_BY_ONE" && pushMode !== "BULK")
    throw invalid('pushMode must be "ONE_BY_ONE" or "BULK"');
  const maxBlockSize = body.maxBlockSize ?? 100;
  if (
    typeof maxBlockSize !== "number" ||
    !Number.isInteger(maxBlockSize) ||
    maxBlockSize < 1 ||
    maxBlockSize > MAX_BLOCK_SIZE
  ) {
    throw invalid(`maxBlockSize must be an integer from 1 to ${MAX_BLOCK_SIZE}`);
  }
  if (body.isActive !== undefined && typeof body.isActive !== "boolean")
    throw invalid("isActive must be a boolean");
  return {
    id,
    on: "PROFILE_TABLE",
    eventType: body.eventType,
    onElementId: String(element),
    onFields: onFields as string[],
    targetUrl: url.toString(),
    headers: headers as Record<string, string>,
    isActive: body.isActive ?? true,
    pushMode,
    maxBlockSize,
  };
}
