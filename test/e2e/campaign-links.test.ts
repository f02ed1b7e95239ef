import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { createWorld, KEYS, nordlysYaml, REPO_ROOT, type World } from "./e2e-harness.ts";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validDrift = ajv.compile(
  JSON.parse(readFileSync(join(REPO_ROOT, "schemas/output/drift.schema.json"), "utf8")),
);

const bad = [
  "<html><body>",
  '<a href="https://nordlys-shop.example/a?utm_source=actito">no reaid</a>',
  '<a href="https://nordlys-shop.example/b?reaid=${firstName}">wrong</a>',
  "</body></html>",
].join("\n");
const good = '<a href="https://nordlys-shop.example/a?utm_source=actito&amp;reaid=${reaid}">ok</a>';

function seedWithCampaigns(): SandboxSeed {
  const seed = structuredClone(defaultSeed);
  const nordlys = seed.licences.find((l) => l.name === "nordlys")!.entities[0]!;
  nordlys.campaigns = [
    { id: 301, name: "winter-news", html: bad },
    { id: 302, name: "welcome", html: good },
  ];
  return seed;
}

// The example declaration of 1042, with its campaigns to check.
const nordlys = nordlysYaml([1043]).replace(
  "  profileTable: customers\n",
  "  profileTable: customers\n  linkDomains: [nordlys-shop.example]\n  campaigns: [winter-news, 302]\n",
);

let world: World;
beforeEach(async () => {
  world = await createWorld({ seed: seedWithCampaigns() });
  await world.write("integrations/1042.yaml", nordlys);
});
afterEach(async () => {
  await world.close();
});

async function replaceBody(campaign: number, html: string): Promise<void> {
  const token = await request(`${world.sandbox.url}/auth/token`, {
    headers: { authorization: KEYS.ACTITO_KEY_NORDLYS },
  });
  const { accessToken } = (await token.body.json()) as { accessToken: string };
  const answer = await request(
    `${world.sandbox.url}/email-campaigns/v4/entity/nordlys/mail/${campaign}/content/body`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "text/html" },
      body: html,
    },
  );
  await answer.body.dump();
  expect(answer.statusCode).toBe(204);
}

describe("campaign links in plan, apply and drift", () => {
  it("warns in the plan (text, Markdown, JSON) without blocking the change", async () => {
    const json = await world.run(["plan", "--format", "json"]);
    expect(json.code).toBe(0);
    const change = JSON.parse(json.out).changes.find((c: { account: number }) => c.account === 1042);
    expect(change.action).toBe("create");
    expect(change.links.map((c: { id: number; problems: unknown[] }) => [c.id, c.problems.length])).toEqual([
      [301, 2],
      [302, 0],
    ]);
    expect(change.problems).toContainEqual(
      expect.objectContaining({ severity: "warning", code: "link-without-reaid" }),
    );
    const markdown = await world.run(["plan", "--format", "markdown"]);
    expect(markdown.out).toContain("Campaign links: 2 campaigns checked, 2 links without the REAID");
    expect(markdown.out).toContain("link-without-reaid");
    const text = await world.run(["plan"]);
    expect(text.out).toContain('campaign 301 "winter-news": 2 of 2 links to the site do not carry the REAID');
  });

  it("makes them errors with --strict-links: plan exits 1 and apply leaves that integration unchanged", async () => {
    const plan = await world.run(["plan", "--strict-links"]);
    expect(plan.code).toBe(1);
    const apply = await world.run(["apply", "--yes", "--strict-links"]);
    expect(apply.code).toBe(1);
    expect(await world.withStore((s) => s.findByAccount(1042))).toBeNull();
    expect(await world.withStore((s) => s.findByAccount(1071))).not.toBeNull();
  });

  it("never makes a saved plan stale: a campaign fixed after the plan is not a change", async () => {
    expect((await world.run(["plan", "--out", "plan.json"])).code).toBe(0);
    await replaceBody(301, good);
    const apply = await world.run(["apply", "--yes", "plan.json"]);
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);
    expect(await world.withStore((s) => s.findByAccount(1042))).not.toBeNull();
  });

  it("reports new link problems in drift once, keeps showing known ones, and finds new ones again", async () => {
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const first = await world.run(["drift", "--format", "json"]);
    expect(first.code).toBe(2);
    const report = JSON.parse(first.out);
    expect(validDrift(report), JSON.stringify(validDrift.errors)).toBe(true);
    const links = report.links;
    expect(links.map((l: { problem: string; new: boolean }) => [l.problem, l.new])).toEqual([
      ["missing", true],
      ["wrong-value", true],
    ]);
    const second = await world.run(["drift"]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("Campaign links: 2 without the REAID (0 new since the last report).");
    await replaceBody(302, '<a href="https://nordlys-shop.example/c?reaId=${reaid}">x</a>');
    const third = await world.run(["drift", "--format", "markdown"]);
    expect(third.code).toBe(2);
    expect(third.out).toContain("Campaign links without the REAID — 3 (1 new since the last report)");
    expect(third.out).toContain("misspelled 🆕");
    for (const output of world.outputs)
      for (const key of Object.values(KEYS)) expect(output).not.toContain(key);
  });
});
