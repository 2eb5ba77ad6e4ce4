/**
 * The module set of sipd, created from the config the way kamailio.cfg's loadmodule/modparam
 * lines would: each module gets its Kamailio parameters, loads its table, and registers its RPC
 * commands and statistics. Without a database (withMysql off) only memory-only modules run.
 */
import type { Config } from "@switchboard/config";
import type { Db } from "@switchboard/db";
import { AccWriter, CdrEngine, registerAccRpc } from "@switchboard/modules/acc";
import { AliasDb } from "@switchboard/modules/alias_db";
import { Auth } from "@switchboard/modules/auth";
import { AuthDb } from "@switchboard/modules/auth_db";
import { type CfgStore, createCfgStore, registerCfgRpc } from "@switchboard/modules/cfg";
import { Dialplan } from "@switchboard/modules/dialplan";
import { Dispatcher } from "@switchboard/modules/dispatcher";
import { DomainModule } from "@switchboard/modules/domain";
import { Group } from "@switchboard/modules/group";
import { HtableModule, registerHtableRpc } from "@switchboard/modules/htable";
import { Permissions } from "@switchboard/modules/permissions";
import { Pike, registerPikeRpc } from "@switchboard/modules/pike";
import { Registrar } from "@switchboard/modules/registrar";
import { SpeedDial } from "@switchboard/modules/speeddial";
import type { StatisticsSampler } from "@switchboard/modules/statistics";
import { Usrloc } from "@switchboard/modules/usrloc";
import type { RpcRegistry } from "@switchboard/rpc";
import type { Logger } from "./log.ts";
import type { StatsRegistry } from "./stats.ts";

export interface DbModules {
  authDb: AuthDb;
  dispatcher: Dispatcher;
  dialplan: Dialplan;
  permissions: Permissions;
  group: Group;
  aliasDb: AliasDb;
  speedDial: SpeedDial;
  domain: DomainModule;
  acc: AccWriter;
  cdrs: CdrEngine;
}

export interface Modules {
  ul: Usrloc;
  registrar: Registrar;
  auth: Auth;
  cfg: CfgStore;
  htable: HtableModule;
  pike: Pike;
  /** Modules that need the database (absent when running without one). */
  db?: DbModules;
  sampler?: StatisticsSampler;
}

export interface ModuleOptions {
  /** Test hooks: a shorter dispatcher ping interval, no reload throttling. */
  dispatcher?: { ds_ping_interval?: number };
}

export async function createModules(
  config: Config,
  db: Db | undefined,
  log: Logger,
  opts: ModuleOptions = {},
): Promise<Modules> {
  const onError = (e: unknown) => log.warn("module cache refresh failed", { error: String(e) });
  const ul = new Usrloc({
    db,
    params: {
      db_mode: db ? config.usrloc.dbMode : 0,
      use_domain: config.usrloc.useDomain || config.features.withMultiDomain ? 1 : 0,
      timer_interval: config.usrloc.timerInterval,
    },
    log: {
      error: (...a: unknown[]) => log.error("usrloc", { msg: a.map(String).join(" ") }),
      warn: (...a: unknown[]) => log.warn("usrloc", { msg: a.map(String).join(" ") }),
    },
  });
  const registrar = new Registrar(ul, {
    params: {
      min_expires: config.registrar.minExpires,
      max_expires: config.registrar.maxExpires,
      default_expires: config.registrar.defaultExpires,
      max_contacts: config.registrar.maxContacts,
      use_path: 1,
    },
  });
  const auth = new Auth({ params: { secret: config.auth.secret, nonce_expire: config.auth.nonceExpire } });
  const cfg = createCfgStore(config);
  const htable = new HtableModule({ db });
  const pike = new Pike({ log: (level, msg) => log.log(level, "pike", { msg }) });
  const mods: Modules = { ul, registrar, auth, cfg, htable, pike };
  if (db) {
    mods.db = {
      authDb: new AuthDb({
        auth,
        db,
        params: {
          calculate_ha1: config.auth.calculateHa1 ? 1 : 0,
          password_column: config.auth.calculateHa1 ? "password" : "ha1",
          use_domain: config.features.withMultiDomain ? 1 : 0,
        },
      }),
      dispatcher: new Dispatcher({
        db,
        params: { flags: 2, ds_probing_mode: 1, ds_ping_interval: opts.dispatcher?.ds_ping_interval ?? 10 },
      }),
      dialplan: new Dialplan({ db, params: { reload_delta: 0 } }),
      permissions: new Permissions({ db, params: { reload_delta: 0 } }),
      group: new Group({ db, onError }),
      aliasDb: new AliasDb({ db, onError }),
      speedDial: new SpeedDial({ db, onError }),
      domain: new DomainModule({ db }),
      acc: new AccWriter({
        db,
        log: (level, msg) => log.log(level === "error" ? "error" : "warn", "acc", { msg }),
      }),
      cdrs: new CdrEngine({
        db,
        log: (level, msg) => log.log(level === "error" ? "error" : "warn", "cdr", { msg }),
      }),
    };
  }
  return mods;
}

/** Loads every table (a table that fails to load is reported; the module starts empty). */
export async function startModules(mods: Modules, log: Logger): Promise<void> {
  await mods.ul.start();
  await mods.htable.init();
  mods.htable.start();
  mods.pike.start();
  const d = mods.db;
  if (!d) return;
  const loads: [string, () => Promise<unknown>][] = [
    ["dispatcher", () => d.dispatcher.load()],
    ["dialplan", () => d.dialplan.load()],
    ["permissions", () => d.permissions.load()],
    ["group", () => d.group.load()],
    ["alias_db", () => d.aliasDb.load()],
    ["speeddial", () => d.speedDial.load()],
    ["domain", () => d.domain.load()],
  ];
  for (const [name, load] of loads) {
    try {
      await load();
    } catch (e) {
      log.error("module load failed", { module: name, error: (e as Error).message });
    }
  }
  d.cdrs.attach(d.acc);
  d.cdrs.start();
}

export async function stopModules(mods: Modules): Promise<void> {
  mods.sampler?.stop();
  mods.pike.stop();
  const d = mods.db;
  if (d) {
    d.dispatcher.stop();
    d.group.stop();
    d.aliasDb.stop();
    d.speedDial.stop();
    d.cdrs.stop();
    await d.acc.flush(10_000);
    await d.acc.close();
  }
  await mods.ul.stop();
  await mods.htable.close();
}

export function registerModuleRpc(registry: RpcRegistry, mods: Modules): void {
  mods.ul.registerRpc(registry);
  registerCfgRpc(registry, mods.cfg);
  registerHtableRpc(registry, mods.htable);
  registerPikeRpc(registry, mods.pike);
  const d = mods.db;
  if (!d) return;
  d.authDb.registerRpc(registry);
  d.dispatcher.registerRpc(registry);
  d.dialplan.registerRpc(registry);
  d.permissions.registerRpc(registry);
  d.group.registerRpc(registry);
  d.aliasDb.registerRpc(registry);
  d.speedDial.registerRpc(registry);
  d.domain.registerRpc(registry);
  registerAccRpc(registry, { writer: d.acc, cdrs: d.cdrs });
}

export function registerModuleStats(stats: StatsRegistry, mods: Modules): void {
  for (const def of [...mods.ul.statDefs(), ...mods.registrar.statDefs()]) stats.add(def);
}
