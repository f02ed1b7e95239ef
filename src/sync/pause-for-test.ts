import { writeSync } from "node:fs";

const paused = new Set<string>();

/**
 * A test-only hook, inert unless `EMI_TEST_PAUSE_AT` names `stage` (a comma-separated list): the
 * first time this process reaches the stage it says so on stderr and stops itself (SIGSTOP), as a
 * long GC pause, a VM migration or a stuck disk would, until the test sends SIGCONT.
 */
export function pauseForTest(stage: string, env: Record<string, string | undefined> = process.env): void {
  const wanted = env.EMI_TEST_PAUSE_AT;
  if (!wanted || paused.has(stage) || !wanted.split(",").includes(stage)) return;
  paused.add(stage);
  writeSync(2, `emi: paused at ${stage} (EMI_TEST_PAUSE_AT)\n`);
  process.kill(process.pid, "SIGSTOP");
}
