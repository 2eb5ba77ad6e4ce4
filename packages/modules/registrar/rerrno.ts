/**
 * The registrar's error codes (Kamailio rerrno.h / reply.c): the status each one answers with and the text
 * of the P-Registrar-Error header.
 */
export const RERRNO = {
  FINE: [200, "No problem"],
  UL_DEL_R: [500, "usrloc_record_delete failed"],
  UL_GET_R: [500, "usrloc_record_get failed"],
  UL_NEW_R: [500, "usrloc_record_new failed"],
  INV_CSEQ: [400, "Invalid CSeq number"],
  UL_INS_C: [500, "usrloc_contact_insert failed"],
  UL_INS_R: [500, "usrloc_record_insert failed"],
  UL_DEL_C: [500, "usrloc_contact_delete failed"],
  UL_UPD_C: [500, "usrloc_contact_update failed"],
  TO_USER: [400, "No username in To URI"],
  AOR_LEN: [500, "Address Of Record too long"],
  AOR_PARSE: [400, "Error while parsing AOR"],
  INV_EXP: [400, "Invalid expires param in contact"],
  INV_Q: [400, "Invalid q param in contact"],
  PARSE: [400, "Message parse error"],
  TO_MISS: [400, "To header not found"],
  CID_MISS: [400, "Call-ID header not found"],
  CS_MISS: [400, "CSeq header not found"],
  PARSE_EXP: [400, "Expires parse error"],
  PARSE_CONT: [400, "Contact parse error"],
  STAR_EXP: [400, "* used in contact and expires is not zero"],
  STAR_CONT: [400, "* used in contact and more than 1 contact"],
  OOO: [200, "Out of order request"],
  RETRANS: [200, "Retransmission"],
  UNESCAPE: [400, "Error while unescaping username"],
  TOO_MANY: [503, "Too many registered contacts"],
  CONTACT_LEN: [400, "Contact/received too long"],
  CALLID_LEN: [400, "Callid too long"],
  PARSE_PATH: [400, "Path parse error"],
  PATH_UNSUP: [420, "No support for found Path indicated"],
  INV_REGID: [400, "Invalid Reg-Id number"],
  LOW_EXP: [423, "Interval too brief"],
} as const satisfies Record<string, readonly [number, string]>;

export type Rerrno = keyof typeof RERRNO;

/** Reason phrases the registrar uses per status (reply.c MSG_*). */
export const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  420: "Bad Extension",
  423: "Interval Too Brief",
  500: "Server Internal Error",
  503: "Service Unavailable",
};
