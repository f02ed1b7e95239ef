import { describe, expect, it } from "vitest";
import type { ActitoApi } from "../../src/actito/types.ts";
import { LeaseLostError } from "../../src/store/errors.ts";
import type { HeldLease } from "../../src/store/lease-keeper.ts";
import { fencedActito, StaleReadError } from "../../src/sync/fenced-actito.ts";

const lease = (confirm: () => Promise<void>): HeldLease => ({
  current: () => ({
    id: "l1",
    name: "licence:api3/acme",
    owner: "me",
    purpose: "sync",
    expiresAt: "",
    token: 3,
  }),
  ttlMs: 300,
  lost: new AbortController().signal,
  confirm,
  release: async () => {},
});

function recordingApi(calls: string[]): ActitoApi {
  return {
    endpoint: "api3",
    patchProfile: async (_e: string, _t: string, key: string) => {
      calls.push(`patch ${key}`);
    },
    startMassImport: async (_e: string, _d: unknown, csv: AsyncIterable<string | Buffer>) => {
      let text = "";
      for await (const part of csv) text += part;
      calls.push(`import ${text}`);
      return { id: "i1", bytes: text.length };
    },
    getProfile: async () => null,
    close: async () => {},
  } as unknown as ActitoApi;
}

async function* lines(...parts: string[]) {
  yield* parts;
}

/** Blocks the event loop, as a paused process looks to itself once it resumes. */
const stall = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe("Actito seen by a lease holder", () => {
  it("confirms the token before each write and sends nothing once the lease is lost", async () => {
    const calls: string[] = [];
    let lost = false;
    const fenced = fencedActito(
      recordingApi(calls),
      lease(async () => {
        calls.push("confirm");
        if (lost) throw new LeaseLostError({ name: "licence:api3/acme", owner: "me", token: 3 });
      }),
    );
    await fenced.api.patchProfile("acme", "16", "1", { reaid: "r1" });
    lost = true;
    await expect(fenced.api.patchProfile("acme", "16", "2", { reaid: "r2" })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await expect(
      fenced.api.startMassImport(
        "acme",
        { mode: "UPDATE_ONLY", keyColumn: "profileId", tableId: "16" },
        lines("a;b\n"),
      ),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(calls).toEqual(["confirm", "patch 1", "confirm", "confirm"]);
    await fenced.api.close();
  });

  it("confirms an import once its file is built, before sending it", async () => {
    const calls: string[] = [];
    const fenced = fencedActito(
      recordingApi(calls),
      lease(async () => {
        calls.push("confirm");
      }),
    );
    async function* rows() {
      calls.push("read rows");
      yield "profileId;reaid\n";
    }
    await fenced.api.startMassImport(
      "acme",
      { mode: "UPDATE_ONLY", keyColumn: "profileId", tableId: "16" },
      rows(),
    );
    expect(calls).toEqual(["read rows", "confirm", "import profileId;reaid\n"]);
    fenced.release();
  });

  it("does not send a write decided before a stall longer than a third of the lease, then goes on", async () => {
    const calls: string[] = [];
    const fenced = fencedActito(
      recordingApi(calls),
      lease(async () => {}),
    );
    await fenced.api.getProfile("acme", "16", "1");
    stall(150);
    await expect(fenced.api.patchProfile("acme", "16", "1", { reaid: "r1" })).rejects.toBeInstanceOf(
      StaleReadError,
    );
    expect(calls).toEqual([]);
    // Read again: the next write goes through.
    await fenced.api.getProfile("acme", "16", "1");
    await fenced.api.patchProfile("acme", "16", "1", { reaid: "r1" });
    expect(calls).toEqual(["patch 1"]);
    fenced.release();
  });
});
