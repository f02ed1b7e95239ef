import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { createWorld, KEYS, type World } from "../e2e/e2e-harness.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ODD = ["+1@x.example", "-2@x.example", "=3@x.example"];

describe("emi reaid export", () => {
  it("joins the table's listing from Actito with the store: every address with its REAID, formulas neutralised, a warning on stderr", async () => {
    const seed = structuredClone(defaultSeed);
    const table = seed.licences.find((l) => l.name === "nordlys")!.entities[0]!.profileTables[0]!;
    table.profiles = ODD.map((emailAddress) => ({ emailAddress }));
    world = await createWorld({ seed });
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const { code, out, err } = await world.run(["reaid", "export", "--account", "1043"]);
    expect(code, err).toBe(0);
    expect(err).toMatch(/personal data/);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe("email,reaid");
    const profiles = [...world.sandbox.profiles("nordlys", "nordlys", "16")];
    expect(lines).toHaveLength(profiles.length + 1);
    const exported = new Map(
      lines
        .slice(1)
        .map((line) => [line.slice(0, line.lastIndexOf(",")), line.slice(line.lastIndexOf(",") + 1)]),
    );
    for (const p of profiles) {
      const email = String(p.attributes.emailAddress).toLowerCase();
      const cell = /^[=+\-@]/.test(email) ? `'${email}` : email;
      expect({ email, reaid: exported.get(cell) }).toEqual({ email, reaid: p.attributes.reaid });
    }
    // No cell a spreadsheet would run as a formula.
    for (const line of lines.slice(1)) expect(line).not.toMatch(/^"?[=+\-@\t\r]/);
    for (const key of Object.values(KEYS)) expect(out + err).not.toContain(key);
  });
});
