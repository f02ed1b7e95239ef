import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../deploy/systemd");
const services = readdirSync(dir).filter((f) => f.endsWith(".service"));

/** A systemd unit as sections of key → values (a key may repeat). */
function unitFile(name: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of readFileSync(join(dir, name), "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    expect(pair, `${name}: "${line}" is key=value`).not.toBeNull();
    expect(current, `${name}: "${line}" is inside a section`).toBeDefined();
    current!.set(pair![1]!, [...(current!.get(pair![1]!) ?? []), pair![2]!]);
  }
  return sections;
}

const analyzer = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
const hasAnalyzer = analyzer.status === 0;

describe("deploy/systemd", () => {
  it("has the sync worker, the service and the repository pull", () => {
    expect(services.sort()).toEqual(["emi-repo-pull.service", "emi-serve.service", "emi-sync.service"]);
  });

  it.each(["emi-sync.service", "emi-serve.service"])(
    "runs %s with node directly (never npx), stopped by SIGTERM with time to finish",
    (name) => {
      const service = unitFile(name).get("Service")!;
      const [exec] = service.get("ExecStart")!;
      expect(exec).toMatch(
        /^\/usr\/bin\/node \/opt\/emi\/current\/node_modules\/emi\/bin\/emi\.js (sync --watch|serve) /,
      );
      expect(exec).toContain("--metrics-port ");
      expect(service.get("KillSignal")).toEqual(["SIGTERM"]);
      expect(Number(service.get("TimeoutStopSec")?.[0])).toBeGreaterThanOrEqual(15);
      expect(service.get("Restart")).toEqual(["on-failure"]);
      expect(service.get("EnvironmentFile")).toEqual(["/etc/emi/emi.env"]);
      expect(unitFile(name).get("Install")?.get("WantedBy")).toEqual(["multi-user.target"]);
    },
  );

  it.each(services)("hardens %s: private files, no capabilities, a system-call filter", (name) => {
    const service = unitFile(name).get("Service")!;
    expect(service.get("UMask")).toEqual(["0077"]);
    expect(service.get("StateDirectory")).toEqual(["emi"]);
    expect(service.get("CapabilityBoundingSet")).toEqual([""]);
    expect(service.get("NoNewPrivileges")).toEqual(["yes"]);
    expect(service.get("SystemCallFilter")).toEqual(["@system-service", "~@privileged"]);
    expect(service.get("User")).toEqual(["emi"]);
    // node's JIT needs writable executable memory; git does not.
    expect(service.get("MemoryDenyWriteExecute")).toEqual([name === "emi-repo-pull.service" ? "yes" : "no"]);
  });

  it("pulls the declarations every minute with a timer", () => {
    const timer = unitFile("emi-repo-pull.timer").get("Timer")!;
    expect(timer.get("OnUnitActiveSec")).toEqual(["60s"]);
    const service = unitFile("emi-repo-pull.service").get("Service")!;
    expect(service.get("ExecStart")).toEqual(["/usr/bin/git pull --ff-only --quiet"]);
  });

  if (hasAnalyzer) {
    it.each(services)("rates %s at an exposure of 2.0 or less in systemd-analyze security", (name) => {
      const run = spawnSync("systemd-analyze", ["security", "--offline=yes", "--no-pager", join(dir, name)], {
        encoding: "utf8",
      });
      const match = /Overall exposure level for \S+: (\d+\.\d+)/.exec(run.stdout);
      expect(match, `${run.stdout}\n${run.stderr}`).not.toBeNull();
      expect(Number(match![1])).toBeLessThanOrEqual(2.0);
    });
  } else {
    it.skip("skipped: systemd-analyze is not installed (Debian's systemd package has it)", () => {});
  }
});
