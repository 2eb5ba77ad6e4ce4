import type { Metadata } from "next";
import { DispatcherView } from "./view";

export const metadata: Metadata = { title: "Dispatcher" };

export default function DispatcherPage() {
  return (
    <>
      <h1>Dispatcher</h1>
      <p className="lead">
        Destination sets (<code>dispatcher</code>) the routing script balances calls over with{" "}
        <code>ds_select_dst()</code>. The State column shows each destination as the nodes have it loaded (
        <code>dispatcher.list</code>); nodes keep the table in memory, so reload after a change.
      </p>
      <DispatcherView />
    </>
  );
}
