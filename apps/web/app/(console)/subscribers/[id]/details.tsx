"use client";
/** One subscriber with tabs: aliases, speed dials, groups, stored registrations, recent calls. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from "react";
import { DataTable } from "@/client/components/DataTable";
import { errorMessage } from "@/client/errors";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";

type Account = { username: string; domain: string };
type CdrRow = RouterOutputs["cdrs"]["list"]["rows"][number];
type Related = RouterOutputs["subscribers"]["related"];

const TABS = ["Aliases", "Speed dials", "Groups", "Registrations", "Recent calls"] as const;
type Tab = (typeof TABS)[number];

/** WAI-ARIA tabs: arrow keys move between tabs, only the selected one is in the tab order. */
function Tabs({ selected, onSelect, idBase }: { selected: Tab; onSelect: (t: Tab) => void; idBase: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
    if (next === null) return;
    const j = (next + TABS.length) % TABS.length;
    onSelect(TABS[j]);
    refs.current[j]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Subscriber details">
      {TABS.map((t, i) => (
        <button
          key={t}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${idBase}-tab-${i}`}
          aria-selected={t === selected}
          aria-controls={`${idBase}-panel`}
          tabIndex={t === selected ? 0 : -1}
          onClick={() => onSelect(t)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t}
        </button>
      ))}
    </div>
  );
}

function SimpleTable({
  label,
  head,
  rows,
  empty,
}: {
  label: string;
  head: string[];
  rows: ReactNode[][];
  empty: string;
}) {
  return (
    <div className="datatable">
      <div className="table-wrap">
        <table aria-label={label}>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={head.length} className="table-state">
                  {empty}
                </td>
              </tr>
            ) : (
              rows.map((cells, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are a read-only snapshot
                <tr key={i}>
                  {cells.map((c, j) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: fixed column order
                    <td key={j}>{c}</td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RelatedTab({ account, tab }: { account: Account; tab: "Groups" | "Registrations" }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.subscribers.related.queryOptions(account));
  if (q.isPending) return <p className="table-state">Loading…</p>;
  if (q.isError) return <p className="table-error">Could not load: {errorMessage(q.error)}</p>;
  const data: Related = q.data;
  if (tab === "Groups") {
    return (
      <SimpleTable
        label="Groups"
        head={["Group", "Last modified"]}
        rows={data.groups.map((g) => [g.grp, g.lastModified])}
        empty="Member of no group."
      />
    );
  }
  return (
    <>
      <p className="help">
        Contacts stored in the <code>location</code> table (usrloc db_mode 1-3). The Registrations page shows
        the live view of each node.
      </p>
      <SimpleTable
        label="Registrations"
        head={["Contact", "Expires", "q", "Received", "Socket", "User agent"]}
        rows={data.contacts.map((c) => [
          <code key="c">{c.contact}</code>,
          c.expires,
          c.q,
          c.received ?? "",
          c.socket ?? "",
          c.userAgent,
        ])}
        empty="No stored registrations."
      />
    </>
  );
}

function CallsTab({ account }: { account: Account }) {
  const trpc = useTRPC();
  const columns = [
    { key: "callStartTime", label: "Start", sortable: true },
    { key: "duration", label: "Duration (s)", sortable: true, className: "num" },
    {
      key: "from",
      label: "From",
      render: (r: CdrRow) => `${r.srcUsername}@${r.srcDomain}`,
    },
    {
      key: "to",
      label: "To",
      render: (r: CdrRow) => `${r.dstOusername || r.dstUsername}@${r.dstDomain}`,
    },
  ];
  return (
    <>
      <h2>Calls made</h2>
      <DataTable<CdrRow>
        label="Calls made"
        columns={columns}
        query={(p) => trpc.cdrs.list.queryOptions({ ...p, search: "", caller: account.username })}
        initialSort={{ sort: "callStartTime", dir: "desc" }}
        searchPlaceholder="(filtered to this account)"
        emptyText="No calls made."
      />
      <h2>Calls received</h2>
      <DataTable<CdrRow>
        label="Calls received"
        columns={columns}
        query={(p) => trpc.cdrs.list.queryOptions({ ...p, search: "", callee: account.username })}
        initialSort={{ sort: "callStartTime", dir: "desc" }}
        searchPlaceholder="(filtered to this account)"
        emptyText="No calls received."
      />
    </>
  );
}

export function SubscriberDetails({ id }: { id: number }) {
  const trpc = useTRPC();
  const idBase = useId();
  const [tab, setTab] = useState<Tab>("Aliases");
  const sub = useQuery(trpc.subscribers.get.queryOptions({ id }));

  if (sub.isPending) return <p className="table-state">Loading…</p>;
  if (sub.isError) {
    return (
      <div role="alert">
        <h1>Subscriber {id}</h1>
        <p className="table-error">{errorMessage(sub.error)}</p>
        <Link href="/subscribers">Back to the list</Link>
      </div>
    );
  }
  const account = { username: sub.data.username, domain: sub.data.domain };
  let panel: ReactNode;
  if (tab === "Aliases") {
    panel = (
      <DataTable<RouterOutputs["aliases"]["list"]["rows"][number]>
        label="Aliases of this account"
        columns={[
          {
            key: "aliasUsername",
            label: "Alias",
            sortable: true,
            render: (r) => `${r.aliasUsername}@${r.aliasDomain}`,
          },
        ]}
        query={(p) => trpc.aliases.list.queryOptions({ ...p, ...account })}
        initialSort={{ sort: "aliasUsername", dir: "asc" }}
        searchPlaceholder="Alias prefix"
        emptyText={
          <>
            No aliases. Add them on the <Link href="/aliases">Aliases</Link> page.
          </>
        }
      />
    );
  } else if (tab === "Speed dials") {
    panel = (
      <DataTable<RouterOutputs["speeddial"]["list"]["rows"][number]>
        label="Speed dials of this account"
        columns={[
          { key: "sdUsername", label: "Short number", sortable: true },
          { key: "newUri", label: "Target URI" },
          { key: "description", label: "Description" },
        ]}
        query={(p) => trpc.speeddial.list.queryOptions({ ...p, ...account })}
        initialSort={{ sort: "sdUsername", dir: "asc" }}
        searchPlaceholder="(filtered to this account)"
        emptyText={
          <>
            No speed dials. Add them on the <Link href="/speeddial">Speed dial</Link> page.
          </>
        }
      />
    );
  } else if (tab === "Recent calls") panel = <CallsTab account={account} />;
  else panel = <RelatedTab account={account} tab={tab} />;

  return (
    <>
      <p>
        <Link href="/subscribers">‹ Subscribers</Link>
      </p>
      <h1>
        {account.username}@{account.domain}
      </h1>
      <Tabs selected={tab} onSelect={setTab} idBase={idBase} />
      <div role="tabpanel" id={`${idBase}-panel`} aria-labelledby={`${idBase}-tab-${TABS.indexOf(tab)}`}>
        {panel}
      </div>
    </>
  );
}
