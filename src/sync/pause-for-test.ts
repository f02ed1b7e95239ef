import { writeSync } from "node:fs";

const reached = new Map<string, number>();

/**
 * A test-only hook, inert unless `EMI_TEST_PAUSE_AT` names `stage` (a comma-separated list of
 * `stage` or `stage#n`, the n-th time it is reached; default the first): there this process says so
 * on stderr and stops itself (SIGSTOP), as a long GC pause, a VM migration or a stuck disk would,
 * until the test sends SIGCONT.
 */
export function pauseForTest(stage: string, env: Record<string, string | undefined> = process.env): void {
  const wanted = env.EMI_TEST_PAUSE_AT;
  if (!wanted) return;
  const count = (reached.get(stage) ?? 0) + 1;
  reached.set(stage, count);
  const hit = wanted.split(",").some((spec) => {
    const [name, nth] = spec.split("#");
    return name === stage && count === Number(nth ?? 1);
  });
  if (!hit) return;
  writeSync(2, `emi: paused at ${stage} (EMI_TEST_PAUSE_AT)\n`);
  process.kill(process.pid, "SIGSTOP");
}
