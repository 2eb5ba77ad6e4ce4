/**
 * The default routing script: Kamailio's default kamailio.cfg request_route and its named route
 * blocks, in TypeScript. Each block keeps its kamailio.cfg name; `features` are the WITH_* defines.
 * A block returns true where kamailio.cfg says `exit`.
 */
import type { Config } from "@switchboard/config";
import { FLT_ACC, FLT_ACCFAILED, FLT_ACCMISSED, FLT_NATS, type Ksr, type RoutingScript } from "./ksr.ts";

type Features = Config["features"];
type Stop = Promise<boolean | undefined> | boolean | undefined;

/** Numbers in international format: '+' or '00' then 4 to 21 digits (route[PSTN]). */
const PSTN_NUMBER = /^(\+|00)[1-9][0-9]{3,20}$/;
const SCANNER_UA = /friendly-scanner|sipcli|sipvicious|VaxSIPUserAgent|pplsip/i;

export function createDefaultScript(f: Features): RoutingScript {
  // route[RELAY]: arm branch/reply/failure routes, then relay statefully.
  async function RELAY(K: Ksr): Promise<true> {
    if (K.is_method("INVITE|BYE|SUBSCRIBE|UPDATE") && !K.tm.t_is_set("branch_route"))
      K.tm.t_on_branch("MANAGE_BRANCH");
    if (K.is_method("INVITE|SUBSCRIBE|UPDATE") && !K.tm.t_is_set("onreply_route"))
      K.tm.t_on_reply("MANAGE_REPLY");
    if (K.is_method("INVITE") && !K.tm.t_is_set("failure_route")) K.tm.t_on_failure("MANAGE_FAILURE");
    if (!(await K.tm.t_relay())) K.sl.sl_reply_error();
    return true;
  }

  // route[REQINIT]: flood detection, hop limit, keepalives, sanity.
  function REQINIT(K: Ksr): boolean {
    if (f.withAntiFlood && !K.is_myself(`sip:${K.pv.si}`)) {
      if (K.htable.sht_get("ipban", K.pv.si) != null) {
        K.log("debug", "request from blocked IP", { method: K.pv.rm, from: K.pv.fu, ip: K.pv.si });
        return true;
      }
      if (!K.pike.pike_check_req()) {
        K.log("warn", "pike blocking", { method: K.pv.rm, from: K.pv.fu, ip: K.pv.si, port: K.pv.sp });
        K.htable.sht_set("ipban", K.pv.si, 1);
        return true;
      }
    }
    if (f.withAntiFlood && SCANNER_UA.test(K.pv.ua)) {
      K.sl.send_reply(200, "OK");
      return true;
    }
    if (K.maxfwd.process_maxfwd(10) < 0) {
      K.sl.send_reply(483, "Too Many Hops");
      return true;
    }
    if (K.is_method("OPTIONS") && K.is_myself() && K.pv.rU === null) {
      K.sl.send_reply(200, "Keepalive");
      return true;
    }
    if (!K.sanity.sanity_check()) {
      K.log("warn", "malformed SIP message", { ip: K.pv.si, port: K.pv.sp });
      return true;
    }
    return false;
  }

  // route[NATDETECT]: remember NATed callers, fix their Contact for REGISTER.
  function NATDETECT(K: Ksr): void {
    if (!f.withNat) return;
    K.nathelper.force_rport();
    if (K.nathelper.nat_uac_test(19)) {
      if (K.is_method("REGISTER")) K.nathelper.fix_nated_register();
      else K.nathelper.set_contact_alias();
      K.setflag(FLT_NATS);
    }
  }

  // route[WITHINDLG]: sequential requests follow the record-routed path.
  async function WITHINDLG(K: Ksr): Promise<boolean> {
    if (!K.has_totag()) return false;
    if (K.rr.loose_route()) {
      if (f.withNat) K.nathelper.handle_ruri_alias();
      if (K.is_method("BYE")) {
        K.setflag(FLT_ACC); // account the BYE
        K.setflag(FLT_ACCFAILED); // even if the transaction fails
      } else if (K.is_method("NOTIFY")) {
        K.rr.record_route(); // RFC 6665: Record-Route for in-dialog NOTIFY
      }
      return RELAY(K);
    }
    if (K.is_method("ACK")) {
      // An ACK to a 487 or 404 from upstream belongs to a transaction; otherwise ignore it.
      if (K.tm.t_check_trans()) return RELAY(K);
      return true;
    }
    K.sl.send_reply(404, "Not here");
    return true;
  }

  // route[AUTH]: IP authorization and user authentication; no open relay.
  async function AUTH(K: Ksr): Promise<boolean> {
    if (f.withIpAuth && !K.is_method("REGISTER") && K.permissions.allow_source_address(1)) return false;
    if (f.withAuth && (K.is_method("REGISTER") || K.from_uri_is_myself())) {
      const rc = await K.auth.auth_check(K.pv.fd, "subscriber", 1);
      if (rc < 0) {
        if (rc === -8) K.sl.send_reply(403, "Forbidden auth ID");
        else K.auth.auth_challenge(K.pv.fd, 0);
        return true;
      }
      if (!K.is_method("REGISTER|PUBLISH")) K.auth.consume_credentials();
    }
    if (!K.from_uri_is_myself() && !K.is_myself()) {
      K.sl.send_reply(403, "Not relaying");
      return true;
    }
    return false;
  }

  // route[SIPOUT]: requests for foreign domains are relayed as they are.
  function SIPOUT(K: Ksr): Stop {
    if (K.is_myself()) return false;
    K.append_hf("P-Hint: outbound");
    return RELAY(K);
  }

  // route[REGISTRAR]: handle registrations.
  async function REGISTRAR(K: Ksr): Promise<boolean> {
    if (!K.is_method("REGISTER")) return false;
    if (K.isflagset(FLT_NATS)) K.setbflag(6);
    const rc = await K.registrar.save("location", 0);
    if (rc < 0) K.sl.sl_reply_error();
    return true;
  }

  // route[PSTN]: international numbers go to the PSTN gateway, for local users only.
  function PSTN(K: Ksr): Stop {
    if (!f.withPstn) return false;
    const gwIp = String(K.cfg_get("pstn", "gw_ip"));
    if (!gwIp) {
      K.log("notice", "PSTN routing enabled but pstn.gw_ip not defined");
      return false;
    }
    if (!K.pv.rU || !PSTN_NUMBER.test(K.pv.rU)) return false;
    if (!K.from_uri_is_myself()) {
      K.sl.send_reply(403, "Not Allowed");
      return true;
    }
    // kamctlrc ACL groups: PSTN calls only for users in 'ld' (long distance) or 'int' (international).
    if (!K.group.is_user_in("From", "ld") && !K.group.is_user_in("From", "int")) {
      K.sl.send_reply(403, "Not Allowed");
      return true;
    }
    const gwPort = String(K.cfg_get("pstn", "gw_port"));
    K.pv.ru = `sip:${K.pv.rU}@${gwIp}${gwPort ? `:${gwPort}` : ""}`;
    return RELAY(K);
  }

  // route[TOVOICEMAIL]: offline, busy or no answer -> voicemail server, when one is set.
  function TOVOICEMAIL(K: Ksr): Stop {
    if (!f.withVoicemail || !K.is_method("INVITE|SUBSCRIBE")) return false;
    const ip = String(K.cfg_get("voicemail", "srv_ip"));
    if (!ip) {
      K.log("notice", "VoiceMail routing enabled but IP not defined");
      return false;
    }
    const exten = K.is_method("INVITE") ? (K.pv.vars.get("oexten") as string | undefined) : K.pv.rU;
    if (!exten) return false;
    K.pv.ru = `sip:${exten}@${ip}:${K.cfg_get("voicemail", "srv_port")}`;
    return RELAY(K);
  }

  // route[LOCATION]: speed dial, aliases, then the location table. A speed dial or alias that
  // points to a local user goes on to the location lookup with the new R-URI (SIPOUT returns).
  async function LOCATION(K: Ksr): Promise<boolean> {
    if (f.withSpeedDial && K.pv.rU && /^[0-9]{2}$/.test(K.pv.rU) && (await K.speeddial.lookup("speed_dial")))
      if (await SIPOUT(K)) return true;
    if (f.withAliasDb && (await K.alias_db.lookup("dbaliases")) && (await SIPOUT(K))) return true;
    K.pv.vars.set("oexten", K.pv.rU);
    const rc = await K.registrar.lookup("location");
    if (rc < 0) {
      if (await TOVOICEMAIL(K)) return true;
      if (rc === -2) K.sl.send_reply(405, "Method Not Allowed");
      else K.sl.send_reply(404, "Not Found");
      return true;
    }
    if (K.is_method("INVITE")) K.setflag(FLT_ACCMISSED); // log missed calls too
    return RELAY(K);
  }

  return {
    async request_route(K) {
      if (REQINIT(K)) return;
      NATDETECT(K);
      if (K.is_method("CANCEL")) {
        if (K.tm.t_check_trans()) await RELAY(K);
        return;
      }
      if (await WITHINDLG(K)) return;
      // Only initial requests (no To tag) from here; absorb retransmissions.
      if (K.tm.t_precheck_trans()) {
        K.tm.t_check_trans();
        return;
      }
      if (K.tm.t_check_trans()) return;
      if (await AUTH(K)) return;
      K.remove_hf("Route"); // preloaded routes are not honoured
      if (K.is_method("INVITE|SUBSCRIBE")) K.rr.record_route();
      if (K.is_method("INVITE")) K.setflag(FLT_ACC); // account only INVITEs
      if (await SIPOUT(K)) return;
      if (K.is_method("PUBLISH|SUBSCRIBE")) {
        K.sl.send_reply(404, "Not here"); // no presence server here (WITH_PRESENCE is not supported)
        return;
      }
      if (await REGISTRAR(K)) return;
      if (K.pv.rU === null) {
        K.sl.send_reply(484, "Address Incomplete");
        return;
      }
      if (await PSTN(K)) return;
      await LOCATION(K);
    },
    branch_route: {
      MANAGE_BRANCH(K) {
        K.log("debug", "new branch", { ruri: K.pv.ru });
      },
    },
    reply_route: {
      MANAGE_REPLY() {},
    },
    failure_route: {
      async MANAGE_FAILURE(K, r) {
        if (K.tm.t_is_canceled()) return;
        if (f.withBlock3xx && r.status >= 300 && r.status < 400) {
          K.tm.t_reply(404, "Not found");
          return;
        }
        if (f.withVoicemail && (r.status === 486 || r.status === 408)) {
          K.pv.du = null;
          await TOVOICEMAIL(K);
        }
      },
    },
  };
}
