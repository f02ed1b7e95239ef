import { describe, expect, it } from "vitest";
import { API_KEY, mockActito, replyToken } from "./mock-actito.ts";

const TOKEN = "tok-SECRET-9f3a";

/** Every text an error can show: message, stack, own fields, and the same for its causes. */
function everythingShown(error: unknown): string {
  const texts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    texts.push(String(e));
    if (e instanceof Error) {
      texts.push(e.stack ?? "", JSON.stringify({ ...e }));
      e = e.cause;
    } else {
      e = undefined;
    }
  }
  return texts.join("\n");
}

describe("ActitoClient secrets", () => {
  it("never shows the API key or the token in anything it logged or threw", async () => {
    const { pool, client, logs } = setup();
    const shown: string[] = [];
    const capture = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        shown.push(everythingShown(error));
      }
    };
    const echo = `{"echo":"Authorization: Bearer ${TOKEN}","key":"${API_KEY}","header":"authorization=${API_KEY}"}`;

    pool.intercept({ path: "/auth/token" }).reply(401, `bad key ${API_KEY}`);
    await capture(client.checkAuth());

    replyToken(pool, TOKEN);
    pool.intercept({ path: "/entities/v5/entities" }).reply(400, echo);
    await capture(client.listEntities());

    pool.intercept({ path: "/entities/v5/entities" }).reply(422, `token ${TOKEN} key ${API_KEY}`);
    await capture(client.listEntities());

    pool.intercept({ path: "/entities/v5/entities" }).reply(503, echo).times(6);
    await capture(client.listEntities());

    pool
      .intercept({ path: "/entities/v5/entities" })
      .reply(429, echo, { headers: { "retry-after": "99999" } });
    await capture(client.listEntities());

    pool
      .intercept({ path: "/entities/v5/entities" })
      .replyWithError(
        Object.assign(new Error(`socket hang up; sent authorization: Bearer ${TOKEN}`), {
          code: "ECONNRESET",
          key: API_KEY,
        }),
      )
      .times(6);
    await capture(client.listEntities());

    // No interceptor for this route: undici's MockAgent error quotes the request headers.
    await capture(client.listProfileTables("acme"));

    pool.intercept({ path: "/entities/v5/entities" }).reply(401, echo).times(2);
    replyToken(pool, `${TOKEN}-2`);
    await capture(client.listEntities());

    expect(shown).toHaveLength(8);
    const everything = [...shown, JSON.stringify(logs)].join("\n");
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain("[redacted]");
  });
});

function setup() {
  return mockActito();
}
