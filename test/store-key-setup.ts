import { tmpdir } from "node:os";
import { join } from "node:path";

// A PostgreSQL store needs its key named (EMI_STORE_KEY_FILE or an age file): each test process,
// and the emi processes it starts, use one key file, made on first use. SQLite stores use it too;
// tests of the key file beside a SQLite store pass their own environment (test/store/store-key.test.ts).
process.env.EMI_STORE_KEY_FILE ??= join(tmpdir(), `emi-test-store-key-${process.pid}`);
