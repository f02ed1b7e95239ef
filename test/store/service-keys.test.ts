import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/store/secret-hash.ts";
import { createApiKey } from "../../src/serve/manage-api-keys.ts";
import { migrations, migrationsTableSql } from "../../src/store/migrations.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { describePostgres } from "../requirements.ts";
import { registryWrite } from "./registry-write.ts";
import { postgresHarness, type StoreHarness, sqliteHarness } from "./store-harness.ts";

const NOW = "2026-12-01T10:00:00.000Z";

function describeServiceKeys(harness: StoreHarness): void {
  describe(`service keys bound to integrations (${harness.label})`, () => {
    let url: string;
    const opened: Store[] = [];
    const open = async () => {
      const store = await openStore(url);
      opened.push(store);
      return { store, keys: store };
    };
    beforeEach(async () => {
      url = await harness.freshUrl();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => {});
      await harness.cleanup();
    });
    const make = (keys: Store, account: number) =>
      createApiKey(keys, { account, name: null, scope: "lookup", now: NOW });

    it("binds a key to the integration holding its account, and revokes it for good when the account moves", async () => {
      const { store, keys } = await open();
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
      await store.putIntegration(registryWrite(1071, { entity: "lumen" }));
      const moved = await make(keys, 1043);
      const stays = await make(keys, 1042);
      expect((await keys.findServiceKey(hashSecret(moved.key)))?.owner).toBe(1042);
      expect(await store.workingServiceKeys([1043])).toEqual([
        { id: moved.record.id, account: 1043, owner: 1042 },
      ]);

      // 1043 moves from 1042's integration to 1071's: released, then claimed.
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [] }));
      await store.putIntegration(registryWrite(1071, { entity: "lumen", sisterAccounts: [1043] }));
      expect(await keys.findServiceKey(hashSecret(moved.key))).toBeNull();
      expect((await keys.findServiceKey(hashSecret(stays.key)))?.owner).toBe(1042);
      expect(await store.workingServiceKeys([1043])).toEqual([]);

      // Back to 1042: the old key stays revoked.
      await store.putIntegration(registryWrite(1071, { entity: "lumen", sisterAccounts: [] }));
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
      expect(await keys.findServiceKey(hashSecret(moved.key))).toBeNull();
      const listed = await keys.listApiKeys();
      expect(listed.find((k) => k.id === moved.record.id)).toMatchObject({
        state: "revoked",
        integrationOwner: 1042,
        integrationId: moved.record.integrationId,
      });
      expect(listed.find((k) => k.id === stays.record.id)).toMatchObject({ state: "active" });
    });

    it("revokes the keys an account brings along when it joins an integration, even one it was bound to before", async () => {
      const { store, keys } = await open();
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
      await store.putIntegration(registryWrite(1071, { entity: "lumen" }));
      const made = await make(keys, 1043);
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [] }));
      // What a key made concurrently with the move could be left as: bound to 1042, not revoked.
      await harness.rawExec(url, `UPDATE api_keys SET revoked_at = NULL WHERE id = '${made.record.id}'`);
      expect(await keys.findServiceKey(hashSecret(made.key))).toBeNull();
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043] }));
      expect(await keys.findServiceKey(hashSecret(made.key))).toBeNull();
      expect((await keys.listApiKeys())[0]).toMatchObject({ id: made.record.id, state: "revoked" });
    });

    it("gives a reactivated account a new integration id: keys of the deactivated one never work again", async () => {
      const { store, keys } = await open();
      await store.putIntegration(registryWrite(1042));
      const before = await make(keys, 1042);
      await store.putIntegration(registryWrite(1042, { status: "deactivated" }));
      expect(await keys.findServiceKey(hashSecret(before.key))).toBeNull();
      await expect(make(keys, 1042)).rejects.toMatchObject({ code: "unknown-integration" });

      await store.putIntegration(registryWrite(1042));
      const after = await make(keys, 1042);
      expect(after.record.integrationId).not.toBe(before.record.integrationId);
      expect(await keys.findServiceKey(hashSecret(before.key))).toBeNull();
      expect((await keys.findServiceKey(hashSecret(after.key)))?.owner).toBe(1042);
    });

    it("revokes by owner and accounts, idempotently, and only keys of that integration", async () => {
      const { store, keys } = await open();
      await store.putIntegration(registryWrite(1042, { sisterAccounts: [1043, 1044] }));
      await store.putIntegration(registryWrite(1050, { entity: "boreal" }));
      const a = await make(keys, 1043);
      const b = await make(keys, 1044);
      const c = await make(keys, 1050);
      expect(await store.revokeServiceKeys(1042, [1043], NOW)).toEqual([a.record.id]);
      expect(await store.revokeServiceKeys(1042, [1043], NOW)).toEqual([]);
      expect(await store.revokeServiceKeys(1042, [1050], NOW)).toEqual([]);
      expect((await store.workingServiceKeys([1043, 1044, 1050])).map((k) => k.id).sort()).toEqual(
        [b.record.id, c.record.id].sort(),
      );
      expect(await store.revokeServiceKeys(1042, null, NOW)).toEqual([b.record.id]);
      expect(await store.revokeServiceKeys(9999, null, NOW)).toEqual([]);
    });

    it("binds the keys of a store made before integration ids to the integration holding their account then", async () => {
      // A store as emi left it at schema version 5, with keys made then.
      const upTo5 = migrations.filter((m) => m.version <= 5);
      await harness.rawExec(
        url,
        `${migrationsTableSql};
         ${upTo5.map((m) => m[harness.dialect]).join(";\n")};
         ${upTo5.map((m) => `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, 'm', 'x');`).join("\n")}
         INSERT INTO integrations (account, provider, endpoint, entity, reaid_attribute, email, email_sync, status, revision, updated_at)
           VALUES (1042, 'actito', 'api3', 'nordlys', 'reaid', 'x@x.example', ${harness.dialect === "postgres" ? "true" : "1"}, 'active', 1, 'x'),
                  (1050, 'actito', 'api1', 'boreal', 'reaid', 'x@x.example', ${harness.dialect === "postgres" ? "true" : "1"}, 'deactivated', 1, 'x');
         INSERT INTO integration_accounts (account, owner) VALUES (1042, 1042), (1043, 1042), (1050, 1050);
         INSERT INTO api_keys (id, account, name, scope, key_hash, created_at) VALUES
           ('key_sister', 1043, NULL, 'lookup', '${hashSecret("emik_sister")}', 'x'),
           ('key_gone', 1050, NULL, 'reaid', '${hashSecret("emik_gone")}', 'x'),
           ('key_nowhere', 7777, NULL, 'reaid', '${hashSecret("emik_nowhere")}', 'x');`,
      );
      const { store, keys } = await open();
      expect((await keys.findServiceKey(hashSecret("emik_sister")))?.owner).toBe(1042);
      expect(await keys.findServiceKey(hashSecret("emik_gone"))).toBeNull();
      expect(await keys.findServiceKey(hashSecret("emik_nowhere"))).toBeNull();
      const listed = await keys.listApiKeys();
      expect(listed.map((k) => [k.id, k.state, k.integrationOwner])).toEqual([
        ["key_gone", "revoked", 1050],
        ["key_nowhere", "revoked", null],
        ["key_sister", "active", 1042],
      ]);
      expect(listed.find((k) => k.id === "key_gone")!.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The migrated key follows the same rule as a new one: 1043 leaves, the key is done.
      await store.putIntegration(registryWrite(1042, { entity: "nordlys" }));
      expect(await keys.findServiceKey(hashSecret("emik_sister"))).toBeNull();
    });
  });
}

describeServiceKeys(sqliteHarness());
describePostgres("service keys on PostgreSQL", (base) => describeServiceKeys(postgresHarness(base)));
