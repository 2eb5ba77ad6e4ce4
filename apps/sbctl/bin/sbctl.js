#!/usr/bin/env node
// The workspace ships TypeScript without a build step: register tsx's loader, then run the CLI.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
