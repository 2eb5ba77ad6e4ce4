"use client";
import "@/client/components/live.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CrudPage } from "@/client/components/CrudPage";
import { issuesByField } from "@/client/components/FormDialog";
import { useDomainSuggestions } from "@/client/domains";
import { errorMessage } from "@/client/errors";
import { useTRPC } from "@/client/trpc";
import type { RouterOutputs } from "@/client/types";
import {
  groupCreate,
  groupUpdate,
  membershipInput,
  reGroupCreate,
  reGroupUpdate,
} from "@/shared/schemas/acl";

type GroupRow = RouterOutputs["acl"]["groups"]["list"]["rows"][number];
type ReGroupRow = RouterOutputs["acl"]["reGroups"]["list"]["rows"][number];

/** Which groups one subscriber is in: its grp rows and the re_grp expressions its URI matches. */
function Membership({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [account, setAccount] = useState<{ username: string; domain: string } | null>(null);
  const [error, setError] = useState("");
  const m = useQuery({
    ...trpc.acl.groups.membership.queryOptions(account ?? { username: "", domain: "" }),
    enabled: !!account,
  });

  const look = (e: React.FormEvent) => {
    e.preventDefault();
    const [username, domain] = text.includes("@") ? text.split("@", 2) : [text, defaultDomain];
    const parsed = membershipInput.safeParse({ username, domain });
    if (!parsed.success) {
      setError(Object.values(issuesByField(parsed.error.issues))[0] ?? "enter user@domain");
      return;
    }
    setError("");
    setAccount(parsed.data);
  };

  return (
    <section className="panel test-box" aria-labelledby="membership-title">
      <h2 id="membership-title">Membership of a subscriber</h2>
      <form className="inline-form" onSubmit={look} noValidate>
        <div className={`field${error ? " has-error" : ""}`}>
          <label htmlFor="membership-account">Subscriber</label>
          <input
            id="membership-account"
            value={text}
            placeholder={`alice@${defaultDomain}`}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
          />
          {error && <small className="error">{error}</small>}
        </div>
        <button type="submit" className="btn">
          Show groups
        </button>
      </form>
      {m.isError && (
        <p className="form-error" role="alert">
          {errorMessage(m.error)}
        </p>
      )}
      {m.data && (
        <dl className="result" data-testid="membership">
          <dt>URI</dt>
          <dd>
            <code>{m.data.uri}</code>
          </dd>
          <dt>Groups (grp)</dt>
          <dd>{m.data.groups.length ? m.data.groups.map((g) => g.grp).join(", ") : "none"}</dd>
          <dt>Regex groups (re_grp)</dt>
          <dd>
            {m.data.regexGroups.length
              ? m.data.regexGroups.map((g) => `${g.groupId} (${g.regExp})`).join(", ")
              : "none"}
          </dd>
        </dl>
      )}
    </section>
  );
}

export function GroupsView({ defaultDomain }: { defaultDomain: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const domains = useDomainSuggestions(defaultDomain);
  const names = useQuery(trpc.acl.groups.names.queryOptions());
  const [grp, setGrp] = useState("");
  const create = useMutation(trpc.acl.groups.create.mutationOptions());
  const update = useMutation(trpc.acl.groups.update.mutationOptions());
  const remove = useMutation(trpc.acl.groups.delete.mutationOptions());
  const createRe = useMutation(trpc.acl.reGroups.create.mutationOptions());
  const updateRe = useMutation(trpc.acl.reGroups.update.mutationOptions());
  const removeRe = useMutation(trpc.acl.reGroups.delete.mutationOptions());

  return (
    <>
      <Membership defaultDomain={defaultDomain} />
      <CrudPage<GroupRow>
        noun="membership"
        label="Group members"
        filters={
          <label>
            Group{" "}
            <select aria-label="Group filter" value={grp} onChange={(e) => setGrp(e.target.value)}>
              <option value="">all</option>
              {(names.data ?? []).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        }
        resetKey={grp}
        columns={[
          { key: "username", label: "User", sortable: true, render: (r) => `${r.username}@${r.domain}` },
          { key: "grp", label: "Group", sortable: true },
          { key: "lastModified", label: "Last modified", sortable: true },
        ]}
        query={(p) => trpc.acl.groups.list.queryOptions({ ...p, grp })}
        invalidate={trpc.acl.groups.pathKey()}
        onChanged={() => void qc.invalidateQueries({ queryKey: trpc.acl.groups.names.queryKey() })}
        initialSort={{ sort: "username", dir: "asc" }}
        searchPlaceholder="User or group prefix, or user@domain"
        emptyText="No group members yet."
        fields={() => [
          { name: "username", label: "Username", required: true },
          { name: "domain", label: "Domain", required: true, suggestions: domains },
          { name: "grp", label: "Group", required: true, suggestions: names.data ?? [], placeholder: "intl" },
        ]}
        createSchema={groupCreate}
        updateSchema={groupUpdate}
        emptyValues={{ username: "", domain: defaultDomain, grp: grp }}
        toFormValues={(r) => ({ username: r.username, domain: r.domain, grp: r.grp })}
        describe={(r) => `${r.username}@${r.domain} in ${r.grp}`}
        create={create.mutateAsync}
        update={update.mutateAsync}
        remove={remove.mutateAsync}
      />
      <h2>Regular-expression groups</h2>
      <CrudPage<ReGroupRow>
        noun="regex group"
        label="Regex groups"
        columns={[
          { key: "groupId", label: "Group id", sortable: true, className: "num" },
          {
            key: "regExp",
            label: "Regular expression",
            sortable: true,
            render: (r) => <code>{r.regExp}</code>,
          },
        ]}
        query={(p) => trpc.acl.reGroups.list.queryOptions(p)}
        invalidate={trpc.acl.reGroups.pathKey()}
        initialSort={{ sort: "groupId", dir: "asc" }}
        searchPlaceholder="Expression prefix or group id"
        emptyText="No regular-expression groups."
        fields={() => [
          {
            name: "regExp",
            label: "Regular expression",
            required: true,
            placeholder: "^sip:[0-9]+@example\\.com$",
            help: "POSIX extended, matched case-insensitively against sip:user@domain.",
          },
          { name: "groupId", label: "Group id", type: "number", required: true },
        ]}
        createSchema={reGroupCreate}
        updateSchema={reGroupUpdate}
        emptyValues={{ regExp: "", groupId: 1 }}
        toFormValues={(r) => ({ regExp: r.regExp, groupId: r.groupId })}
        describe={(r) => r.regExp}
        create={createRe.mutateAsync}
        update={updateRe.mutateAsync}
        remove={removeRe.mutateAsync}
      />
    </>
  );
}
