export * from "./best.ts";
export * from "./target.ts";
export * from "./tm.ts";
