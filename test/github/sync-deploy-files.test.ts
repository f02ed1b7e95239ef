import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const root = join(import.meta.dirname, "../..");
type Obj = Record<string, unknown>;

function yamlFile(path: string): Obj {
  const parsed = parseDocument(readFileSync(join(root, path), "utf8"));
  expect(parsed.errors, `${path} parses`).toEqual([]);
  expect(parsed.warnings, `${path} parses without warnings`).toEqual([]);
  return parsed.toJS() as Obj;
}
const o = (v: unknown): Obj => {
  expect(v !== null && typeof v === "object" && !Array.isArray(v), JSON.stringify(v)).toBe(true);
  return v as Obj;
};

/** A systemd unit as sections of key → values (a key may repeat). */
function unitFile(path: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of readFileSync(join(root, path), "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    expect(pair, `${path}: "${line}" is key=value`).not.toBeNull();
    expect(current, `${path}: "${line}" is inside a section`).toBeDefined();
    current!.set(pair![1]!, [...(current!.get(pair![1]!) ?? []), pair![2]!]);
  }
  return sections;
}

function declaredSecretEnvNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, "integrations")).filter((f) => f.endsWith(".yaml"))) {
    const text = readFileSync(join(root, "integrations", file), "utf8");
    for (const m of text.matchAll(/secretRef:\s*["']?env:([A-Z0-9_]+)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe(".github/workflows/sync.yml", () => {
  const doc = yamlFile(".github/workflows/sync.yml");
  const job = o(o(doc.jobs).sync);
  const steps = job.steps as Obj[];

  it("runs every 15 minutes and on demand, one run at a time, never cancelling a running sync", () => {
    expect(o(doc.on).schedule).toEqual([{ cron: "*/15 * * * *" }]);
    expect(o(doc.on)).toHaveProperty("workflow_dispatch");
    expect(o(doc.concurrency)).toEqual({ group: "emi-sync", "cancel-in-progress": false });
    expect(doc.permissions).toEqual({ contents: "read" });
  });

  it("runs emi sync --concurrency 8 against the shared store with every declared key and pinned actions", () => {
    const sync = steps.find((s) => typeof s.run === "string" && s.run.includes("npx --no-install emi sync"));
    expect(sync?.run).toMatch(/emi sync --concurrency 8\b/);
    expect(o(job.env).EMI_STORE).toBe(`$${"{{"} secrets.EMI_STORE }}`);
    expect(Object.keys(o(sync?.env)).sort()).toEqual(declaredSecretEnvNames());
    for (const step of steps.filter((s) => typeof s.uses === "string")) {
      expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    }
  });
});

describe("docs/deploy", () => {
  it("has a Kubernetes Deployment of N watch workers with liveness on /livez, readiness on /healthz and Prometheus scrape annotations", () => {
    const doc = yamlFile("docs/deploy/kubernetes.yaml");
    expect(doc.kind).toBe("Deployment");
    const spec = o(doc.spec);
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    const template = o(spec.template);
    const annotations = o(o(template.metadata).annotations);
    const pod = o(template.spec);
    const emi = (pod.containers as Obj[]).find((c) => c.name === "emi")!;
    const args = emi.args as string[];
    expect(args.slice(0, 2)).toEqual(["sync", "--watch"]);
    const port = Number(args[args.indexOf("--metrics-port") + 1]);
    expect(port).toBeGreaterThan(0);
    const named = (emi.ports as Obj[]).find((p) => p.name === o(o(emi.livenessProbe).httpGet).port);
    expect(named?.containerPort).toBe(port);
    expect(o(o(emi.livenessProbe).httpGet).path).toBe("/livez");
    expect(o(o(emi.readinessProbe).httpGet).path).toBe("/healthz");
    expect(annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(port),
      "prometheus.io/path": "/metrics",
    });
    // A stop takes at most 15 s: the pod must be given that long before SIGKILL.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
  });

  it("has a systemd unit that runs a watch worker, stops it with SIGTERM and gives it 15 s", () => {
    const unit = unitFile("docs/deploy/emi-sync.service");
    const service = unit.get("Service")!;
    expect(service.get("ExecStart")?.[0]).toMatch(/emi sync --watch( |$)/);
    expect(service.get("KillSignal")).toEqual(["SIGTERM"]);
    expect(Number(service.get("TimeoutStopSec")?.[0])).toBeGreaterThanOrEqual(15);
    expect(service.get("Restart")).toEqual(["on-failure"]);
    expect(unit.get("Install")?.get("WantedBy")).toEqual(["multi-user.target"]);
  });
});
