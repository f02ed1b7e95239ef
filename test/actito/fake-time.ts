/**
 * A clock that only moves when the fake sleep is awaited, recording every wait. The clock moves
 * one macrotask later, so code that was already runnable runs at the time it was woken for.
 */
export function fakeTime() {
  const clock = {
    t: 0,
    now() {
      return clock.t;
    },
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    await new Promise((resolve) => setImmediate(resolve));
    clock.t += ms;
  };
  return { clock, sleep, sleeps };
}
