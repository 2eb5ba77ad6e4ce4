/** The whole database schema: Kamailio 6.1 tables, Siremis's accounting tables, the console's sb_ tables. */
export * from "./acc.ts";
export * from "./aliasdb.ts";
export * from "./avpops.ts";
export * from "./console.ts";
export * from "./dialplan.ts";
export * from "./dispatcher.ts";
export * from "./domain.ts";
export * from "./group.ts";
export * from "./htable.ts";
export * from "./permissions.ts";
export * from "./siremis.ts";
export * from "./speeddial.ts";
export * from "./subscriber.ts";
export * from "./usrloc.ts";
export * from "./version.ts";
