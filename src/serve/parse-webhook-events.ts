/** A profile event as the inbox needs it: which profile, and what happened. */
export interface WebhookEvent {
  profileId: string;
  eventType: string;
}

/**
 * The events of one Actito delivery: a one-by-one envelope `{"id","data":{…}}`, a bulk envelope
 * `{"id","data":[…]}`, or (tolerated) a JSON array of either. Items without a usable profile id are
 * counted in `ignored`. Nothing else of the payload (e-mails, other attributes) is kept.
 */
export function parseWebhookEvents(body: unknown): { events: WebhookEvent[]; ignored: number } {
  const events: WebhookEvent[] = [];
  let ignored = 0;
  const item = (data: unknown) => {
    const o = data !== null && typeof data === "object" ? (data as Record<string, unknown>) : null;
    const id = o?.profileId;
    const profileId =
      typeof id === "number" && Number.isSafeInteger(id) && id > 0
        ? String(id)
        : typeof id === "string" && /^[1-9]\d{0,18}$/.test(id)
          ? id
          : null;
    if (profileId === null) {
      ignored += 1;
      return;
    }
    const type = o?.eventType;
    events.push({ profileId, eventType: typeof type === "string" && type.length <= 40 ? type : "UNKNOWN" });
  };
  const envelope = (value: unknown) => {
    const data =
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>).data
        : undefined;
    if (Array.isArray(data)) for (const d of data) item(d);
    else if (data !== undefined) item(data);
    else ignored += 1;
  };
  if (Array.isArray(body)) for (const value of body) envelope(value);
  else envelope(body);
  return { events, ignored };
}
