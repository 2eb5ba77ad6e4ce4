/**
 * Pattern checks in the console's forms, in the browser and on the server alike. The patterns are
 * compiled by @switchboard/match, the code sipd's modules load the tables with (see its regex.ts for
 * what a JavaScript check can and cannot tell about PCRE and POSIX patterns); this file only turns
 * its errors into a reason a form can show.
 */

/** The reason a pattern does not compile, or null when it does. */
export function patternError(compile: () => RegExp): string | null {
  try {
    compile();
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    // V8 says "Invalid regular expression: /x(/: Unterminated group"; keep the reason.
    return msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  }
}
