/** Entry point of `sbctl` (bin/sbctl.js, or `node --import tsx apps/sbctl/src/main.ts`). */
import { runSbctl } from "./cli.ts";

// exitCode rather than exit(): stdout may still be draining into a pipe
process.exitCode = await runSbctl(process.argv.slice(2));
