import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness, type StoreHarness, sqliteHarness } from "./store-harness.ts";

function ownershipSuite(harness: StoreHarness): void {
  describe(`REAID ownership in ${harness.label}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
      await harness.cleanup();
    });
    const open = async () => {
      store = await openStore(await harness.freshUrl());
      return { store, own: store };
    };

    it("says who holds a value and finds REAIDs without creating any", async () => {
      const { store, own } = await open();
      const made = await store.getOrCreateReaids("1042", ["Ann@x.example"]);
      const reaid = made.get("ann@x.example")!;
      expect(await own.holdersOfReaids([reaid, "unknown"])).toEqual(
        new Map([[reaid, { namespace: "1042", email: "ann@x.example" }]]),
      );
      expect(await own.findReaids("1042", ["ANN@x.example", "bob@x.example"])).toEqual(
        new Map([["ann@x.example", reaid]]),
      );
      expect(await store.countReaids("1042")).toBe(1);
    });

    it("adopts a value once and never replaces a REAID or takes another e-mail's", async () => {
      const { store, own } = await open();
      const [existing] = [...(await store.getOrCreateReaids("1042", ["bob@x.example"])).values()];
      const outcomes = await own.adoptReaids("1042", [
        { email: "Ann@x.example", reaid: "raptor-ann" },
        { email: "ann@x.example", reaid: "raptor-ann" },
        { email: "bob@x.example", reaid: "raptor-bob" },
        { email: "cy@x.example", reaid: existing! },
      ]);
      expect(outcomes).toEqual(["adopted", "already", "email-has-another", "value-held"]);
      expect(await store.getReaid("1042", "ann@x.example")).toBe("raptor-ann");
      expect(await store.getReaid("1042", "bob@x.example")).toBe(existing);
      expect(await store.getReaid("1042", "cy@x.example")).toBeNull();
    });

    it("moves a namespace's REAIDs to a new owner, keeping the new owner's own ones", async () => {
      const { store, own } = await open();
      const old = await store.getOrCreateReaids("1071", ["a@x.example", "b@x.example"]);
      const mine = await store.getOrCreateReaids("1072", ["b@x.example"]);
      expect(await own.takeOverReaids("1071", "1072")).toEqual({ moved: 1, kept: 1 });
      expect(await store.getReaid("1072", "a@x.example")).toBe(old.get("a@x.example"));
      expect(await store.getReaid("1072", "b@x.example")).toBe(mine.get("b@x.example"));
    });

    it("re-keys a REAID only when the new key has none", async () => {
      const { store, own } = await open();
      await own.adoptReaids("1042", [{ email: "élodie@x.example", reaid: "R1" }]);
      const taken = await store.getOrCreateReaids("1042", ["Ärger@x.example"]);
      await own.adoptReaids("1042", [{ email: "ärger@x.example", reaid: "R2" }]);
      expect(
        await own.rekeyReaids("1042", [
          { from: "élodie@x.example", to: "Élodie@x.example", reaid: "R1" },
          { from: "ärger@x.example", to: "Ärger@x.example", reaid: "R2" },
        ]),
      ).toEqual([true, false]);
      expect(await store.getReaid("1042", "Élodie@x.example")).toBe("R1");
      expect(await store.getReaid("1042", "élodie@x.example")).toBeNull();
      expect(await store.getReaid("1042", "Ärger@x.example")).toBe(taken.get("Ärger@x.example"));
      expect(await store.getReaid("1042", "ärger@x.example")).toBe("R2");
    });
  });
}

ownershipSuite(sqliteHarness());
describePostgres("REAID ownership on PostgreSQL", (url) => ownershipSuite(postgresHarness(url)));
