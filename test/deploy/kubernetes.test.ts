import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const dir = join(import.meta.dirname, "../../deploy/kubernetes");
const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};

// biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field in assertions.
type Manifest = any;

function load(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"));
  if (!Array.isArray(docs)) throw new Error(`${file}: no documents`);
  return docs.map((doc) => {
    expect(doc.errors, `${file} parses`).toEqual([]);
    return doc.toJS();
  });
}

const kustomization = load("kustomization.yaml")[0];
const manifests: Manifest[] = (kustomization.resources as string[]).flatMap(load);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployment = (name: string) => byKind("Deployment").find((d) => d.metadata.name === name);
const emiContainer = (d: Manifest) => d.spec.template.spec.containers.find((c: Manifest) => c.name === "emi");
const portNamed = (container: Manifest, name: string) =>
  container.ports.find((p: Manifest) => p.name === name)?.containerPort;

describe("deploy/kubernetes (kustomize base)", () => {
  it("lists the worker and service Deployments, the Service and a PodDisruptionBudget for each", () => {
    expect(kustomization.kind).toBe("Kustomization");
    expect(byKind("Deployment").map((d) => d.metadata.name)).toEqual(["emi-sync", "emi-serve"]);
    expect(byKind("Service").map((s) => s.metadata.name)).toEqual(["emi-serve"]);
    for (const name of ["emi-sync", "emi-serve"]) {
      const labels = deployment(name).spec.template.metadata.labels;
      const pdb = byKind("PodDisruptionBudget").find((p) => p.metadata.name === name);
      expect(pdb, name).toBeDefined();
      expect(pdb.spec.selector.matchLabels).toEqual(deployment(name).spec.selector.matchLabels);
      for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
    }
  });

  it("pins emi's image to this version (never latest), and git-sync to a version", () => {
    expect(kustomization.images).toEqual([{ name: "ghcr.io/acme/emi", newTag: version }]);
    for (const d of byKind("Deployment")) {
      const spec = d.spec.template.spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const [, tag] = String(c.image).split(":");
        expect(tag, c.image).toMatch(/^v?\d+\.\d+\.\d+$/);
        if (c.name === "emi") expect(c.image).toBe(`ghcr.io/acme/emi:${version}`);
      }
    }
  });

  it.each(["emi-sync", "emi-serve"])(
    "runs %s under the restricted Pod Security Standard with a read-only root and /tmp on an emptyDir",
    (name) => {
      const spec = deployment(name).spec.template.spec;
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      const volumes = new Map(spec.volumes.map((v: Manifest) => [v.name, v]));
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext, c.name).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        const tmp = c.volumeMounts.find((m: Manifest) => m.mountPath === "/tmp");
        expect(tmp, `${c.name} has a writable /tmp`).toBeDefined();
        expect((volumes.get(tmp.name) as Manifest).emptyDir, c.name).toEqual({});
      }
      const emi = emiContainer(deployment(name));
      expect(emi.env).toContainEqual({ name: "TMPDIR", value: "/tmp" });
      expect(emi.envFrom).toEqual([{ secretRef: { name: "emi-secrets" } }]);
    },
  );

  it("runs several watch workers, with metrics on their port, liveness on /livez and readiness on /healthz", () => {
    const sync = deployment("emi-sync");
    expect(sync.spec.replicas).toBeGreaterThanOrEqual(2);
    const emi = emiContainer(sync);
    expect(emi.args.slice(0, 2)).toEqual(["sync", "--watch"]);
    const port = Number(emi.args[emi.args.indexOf("--metrics-port") + 1]);
    expect(portNamed(emi, "metrics")).toBe(port);
    expect(emi.livenessProbe.httpGet).toEqual({ path: "/livez", port: "metrics" });
    expect(emi.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(sync.spec.template.metadata.annotations["prometheus.io/port"]).toBe(String(port));
    // A stop takes at most 15 s: the pod must be given that long before SIGKILL.
    expect(sync.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
  });

  it("gets the declarations from git-sync: an init container clones once, a sidecar keeps pulling, with a Secret's key", () => {
    const spec = deployment("emi-sync").spec.template.spec;
    const [init] = spec.initContainers;
    const sidecar = spec.containers.find((c: Manifest) => c.name === "git-sync");
    expect(init.image).toMatch(/git-sync/);
    expect(init.args).toContain("--one-time");
    expect(sidecar.args).not.toContain("--one-time");
    expect(sidecar.args).toContain("--period=60s");
    for (const c of [init, sidecar]) {
      expect(c.args).toContain("--ssh-key-file=/etc/git-secret/ssh");
      expect(c.volumeMounts).toContainEqual({
        name: "git-secret",
        mountPath: "/etc/git-secret",
        readOnly: true,
      });
    }
    const secret = spec.volumes.find((v: Manifest) => v.name === "git-secret");
    expect(secret.secret.secretName).toBe("emi-git-sync");
    const emi = emiContainer(deployment("emi-sync"));
    expect(emi.workingDir).toBe("/repo/current");
    expect(emi.volumeMounts).toContainEqual({ name: "repo", mountPath: "/repo", readOnly: true });
  });

  it("serves on one port and keeps metrics on another that the Service does not expose", () => {
    const serve = deployment("emi-serve");
    const emi = emiContainer(serve);
    expect(emi.args[0]).toBe("serve");
    const flag = (name: string) => Number(emi.args[emi.args.indexOf(name) + 1]);
    expect(portNamed(emi, "http")).toBe(flag("--port"));
    expect(portNamed(emi, "metrics")).toBe(flag("--metrics-port"));
    expect(flag("--port")).not.toBe(flag("--metrics-port"));
    expect(emi.args[emi.args.indexOf("--host") + 1]).toBe("0.0.0.0");
    expect(emi.livenessProbe.httpGet.path).toBe("/livez");
    expect(emi.readinessProbe.httpGet.path).toBe("/healthz");
    const [service] = byKind("Service");
    expect(service.spec.selector).toEqual(serve.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: Manifest) => p.targetPort)).toEqual(["http"]);
  });
});
