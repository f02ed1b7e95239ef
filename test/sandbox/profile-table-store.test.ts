import { describe, expect, it } from "vitest";
import { ProfileTableStore } from "../../src/sandbox/profile-table-store.ts";

function table(): ProfileTableStore {
  return new ProfileTableStore("acme", "16", "customers", [
    { name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true },
    { name: "firstName", type: "FIRSTNAME", valueType: "STRING" },
    { name: "reaid", type: "CUSTOM", valueType: "STRING", unique: true },
  ]);
}

describe("ProfileTableStore generated profiles", () => {
  it("shows generated profiles as if stored and finds them by e-mail", () => {
    const store = table();
    store.generate(1, 1000, 0);
    expect(store.size).toBe(1000);
    expect(store.read(41, ["emailAddress", "firstName", "reaid"]).attributes).toEqual({
      emailAddress: "user-42@acme.example",
      firstName: "Camille",
      reaid: null,
    });
    expect(store.findSlot("emailAddress", "user-42@acme.example")).toBe(41);
    expect(store.findSlot("emailAddress", "user-1001@acme.example")).toBeUndefined();
    expect(store.findSlot("emailAddress", "user-42@other.example")).toBeUndefined();
  });

  it("forgets a generated e-mail once the profile's e-mail is written, and refuses it elsewhere until then", () => {
    const store = table();
    store.generate(1, 10, 0);
    expect(store.checkWrite({ emailAddress: "user-3@acme.example" }, undefined)).toMatch(/profile 3/);
    store.write(2, { emailAddress: "moved@acme.example" }, 5);
    expect(store.findSlot("emailAddress", "user-3@acme.example")).toBeUndefined();
    expect(store.findSlot("emailAddress", "moved@acme.example")).toBe(2);
    expect(store.checkWrite({ emailAddress: "user-3@acme.example" }, undefined)).toBeUndefined();
    expect(
      store.list({ afterId: 0, pageSize: 10, updatedSince: 5, only: ["emailAddress"] }).profiles,
    ).toEqual([{ profileId: 3, attributes: { emailAddress: "moved@acme.example" } }]);
  });

  it("keeps a profile findable when an import writes its unique key again, generated or stored", () => {
    // Imports keyed by e-mail write the e-mail back with every row: a 10M-profile table met V8's
    // 2^24-entry Map limit when each such write deleted and re-added the index entry.
    const store = table();
    store.generate(1, 10, 0);
    store.write(4, { emailAddress: "user-5@acme.example", reaid: "R5" }, 1);
    store.write(4, { emailAddress: "user-5@acme.example", reaid: "R5" }, 2);
    expect(store.findSlot("emailAddress", "user-5@acme.example")).toBe(4);
    expect(store.findSlot("reaid", "R5")).toBe(4);
    store.write(4, { reaid: "R5b" }, 3);
    expect(store.findSlot("reaid", "R5")).toBeUndefined();
    expect(store.findSlot("reaid", "R5b")).toBe(4);
    expect(store.checkWrite({ reaid: "R5" }, 6)).toBeUndefined();
  });

  it("keeps unique values unique across generated and created profiles", () => {
    const store = table();
    store.generate(1, 5, 0);
    store.write(0, { reaid: "r1" }, 1);
    expect(store.checkWrite({ reaid: "r1" }, 1)).toMatch(/already has this value on profile 1/);
    const id = store.create({ emailAddress: "new@acme.example" }, 2);
    expect(id).toBe(6);
    expect(store.read(5, ["emailAddress", "firstName"]).attributes).toEqual({
      emailAddress: "new@acme.example",
      firstName: null,
    });
  });
});
