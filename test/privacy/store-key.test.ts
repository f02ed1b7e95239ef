import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { newStoreKeyText } from "../../src/store/store-key.ts";
import { createWorld, nordlysYaml, type World } from "../e2e/e2e-harness.ts";

let dir: string | undefined;
let world: World | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await world?.close();
  dir = undefined;
  world = undefined;
});

const noEnv = { env: {} };

describe("the store key", () => {
  it("is made beside a new SQLite store, readable by its owner only, and never written into the database", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-key-"));
    const path = join(dir, "state.db");
    const store = await openStore(`sqlite:${path}`, { keys: noEnv });
    await store.getOrCreateReaids("1042", ["someone@example.com"]);
    await store.close();
    const keyFile = `${path}.key`;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, "utf8").trim();
    expect(Buffer.from(key, "base64url")).toHaveLength(32);
    for (const name of ["state.db", "state.db-wal"].filter((n) => existsSync(join(dir!, n)))) {
      const bytes = readFileSync(join(dir, name));
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key, "base64url"))).toBe(false);
    }
  });

  it("uses EMI_STORE_KEY_FILE when it is set, making the key there for a new store", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-key-"));
    const keyFile = join(dir, "secrets", "emi-store.key");
    const store = await openStore(`sqlite:${join(dir, "state.db")}`, {
      keys: { env: { EMI_STORE_KEY_FILE: keyFile } },
    });
    await store.close();
    expect(existsSync(keyFile)).toBe(true);
    expect(existsSync(join(dir, "state.db.key"))).toBe(false);
  });

  it("refuses a wrong key before writing anything, and names where it looked when the key is missing", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-key-"));
    const path = join(dir, "state.db");
    const store = await openStore(`sqlite:${path}`, { keys: noEnv });
    const reaid = (await store.getOrCreateReaids("1042", ["a@example.com"])).get("a@example.com");
    await store.close();
    const snapshot = () => {
      const db = new Database(path, { readonly: true });
      try {
        return JSON.stringify([
          db.prepare("SELECT * FROM store_meta ORDER BY key").all(),
          db.prepare("SELECT * FROM reaids").all(),
          db.prepare("SELECT version FROM schema_migrations ORDER BY version").all(),
        ]);
      } finally {
        db.close();
      }
    };
    const before = snapshot();
    await expect(openStore(`sqlite:${path}`, { keys: { key: newStoreKeyText() } })).rejects.toMatchObject({
      code: "wrong-store-key",
    });
    expect(snapshot()).toBe(before);

    await rename(`${path}.key`, join(dir, "elsewhere.key"));
    const missing = openStore(`sqlite:${path}`, { keys: noEnv });
    await expect(missing).rejects.toMatchObject({ code: "no-store-key" });
    await expect(missing).rejects.toThrow(`${path}.key`);
    expect(snapshot()).toBe(before);
    // Opened without a key on purpose (plan), it reads what needs no address and refuses the rest.
    const keyless = await openStore(`sqlite:${path}`, { keys: { env: {}, need: "optional" } });
    try {
      expect(await keyless.countReaids("1042")).toBe(1);
      expect(keyless.addressHash("a@example.com")).toBeNull();
      await expect(keyless.getReaid("1042", "a@example.com")).rejects.toMatchObject({ code: "no-store-key" });
    } finally {
      await keyless.close();
    }
    await rename(join(dir, "elsewhere.key"), `${path}.key`);
    const again = await openStore(`sqlite:${path}`, { keys: noEnv });
    expect(await again.getReaid("1042", "a@example.com")).toBe(reaid);
    await again.close();
  });

  it("is not needed by plan: a pull request's job plans with no key anywhere, and sync says where it looked", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await rm(join(world.dir, ".emi", "state.db.key"));
    await world.write("integrations/1042.yaml", nordlysYaml([1043, 1044]));
    const plan = await world.run(["plan", "--detailed-exitcode"]);
    expect(plan.code, plan.err).toBe(2);
    expect(plan.out).toContain("1044");
    const sync = await world.run(["sync"]);
    expect(sync.code).toBe(1);
    expect(sync.err).toContain("store key was not found");
    expect(sync.err).toContain(join(world.dir, ".emi", "state.db.key"));
  });

  it("never goes with a backup: the backup is used with the source's key, and no key file is made for it", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const backup = join(world.dir, "backups", "state-copy.db");
    const made = await world.run(["store", "backup", backup]);
    expect(made.code, made.err).toBe(0);
    expect(existsSync(`${backup}.key`)).toBe(false);
    const key = readFileSync(join(world.dir, ".emi", "state.db.key"), "utf8");
    const bytes = readFileSync(backup);
    expect(bytes.includes(Buffer.from(key.trim()))).toBe(false);
    const some = [...world.sandbox.profiles("nordlys", "nordlys", "16")][3]!;
    await expect(openStore(`sqlite:${backup}`, { keys: noEnv })).rejects.toMatchObject({
      code: "no-store-key",
    });
    const restored = await openStore(`sqlite:${backup}`, { keys: { key } });
    try {
      expect(await restored.getReaid("1042", String(some.attributes.emailAddress))).toBe(
        some.attributes.reaid,
      );
    } finally {
      await restored.close();
    }
  });

  it("once lost, is recovered by adoption: a new store with a new key keeps every REAID in Actito unchanged", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const before = new Map(
      [...world.sandbox.profiles("nordlys", "nordlys", "16")].map((p) => [p.profileId, { ...p.attributes }]),
    );
    expect([...before.values()].every((p) => typeof p.reaid === "string")).toBe(true);
    // The key is lost: the store cannot be used any more and is started again from Actito.
    for (const account of [1010, 1050, 1071]) await world.remove(`integrations/${account}.yaml`);
    await rm(join(world.dir, ".emi"), { recursive: true, force: true });
    await world.write(
      "integrations/1042.yaml",
      nordlysYaml([1043]).replace(
        "  profileTable: customers\n",
        "  profileTable: customers\n  adoptExistingReaids: true\n",
      ),
    );
    const apply = await world.run(["apply", "--yes"]);
    expect(apply.code, apply.err).toBe(0);
    const after = new Map(
      [...world.sandbox.profiles("nordlys", "nordlys", "16")].map((p) => [p.profileId, { ...p.attributes }]),
    );
    expect(after).toEqual(before);
    const some = [...before.values()][7]!;
    const get = await world.run(["reaid", "get", "--account", "1043", String(some.emailAddress)]);
    expect(get.out.trim()).toBe(some.reaid);
  });
});
