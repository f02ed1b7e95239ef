import { createFleetWorld } from "/work/wt/w13/test/watch/fleet-world.ts";
import { spawnEmi } from "/work/wt/w13/test/watch/emi-process.ts";
console.log("creating");
const world = await createFleetWorld({ licences: 3, profiles: 300 });
console.log("created", world.dir);
const a = spawnEmi(["apply", "--yes"], { cwd: world.dir, env: world.env });
setTimeout(() => { console.log("OUT", a.out(), "ERR", a.err()); process.exit(1); }, 20000);
console.log(await a.exited(), a.out().slice(-1500), a.err());
process.exit(0);
