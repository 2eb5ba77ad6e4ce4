import type { Metadata } from "next";
import { DialplanView } from "./view";

export const metadata: Metadata = { title: "Dialplan" };

export default function DialplanPage() {
  return (
    <>
      <h1>Dialplan</h1>
      <p className="lead">
        Number translation rules (<code>dialplan</code>) for <code>dp_translate()</code>, grouped by dpid.
        Within a dpid, rules whose match length equals the input's length are tried first, then those with
        length 0, each by priority (lowest first); the first match wins.
      </p>
      <details className="help-text">
        <summary>How regular expressions are checked</summary>
        <p>
          Kamailio compiles match and substitution expressions with PCRE. The console checks them with the
          browser's JavaScript engine before saving, after rewriting what differs (leading <code>(?i)</code>,{" "}
          <code>\A</code>, <code>\z</code>, POSIX classes like <code>[[:digit:]]</code>). Syntax only PCRE
          knows is refused even though Kamailio would take it: possessive quantifiers (<code>a++</code>),
          atomic groups <code>(?&gt;…)</code>, <code>\Q…\E</code>, <code>\K</code>, recursion and
          conditionals; write <code>(?&lt;name&gt;…)</code> instead of <code>(?P&lt;name&gt;…)</code>. The
          replacement may use <code>\0</code>–<code>\9</code> only up to the groups of the substitution
          expression.
        </p>
      </details>
      <DialplanView />
    </>
  );
}
