import type { Metadata } from "next";
import { SettingsView } from "./view";

export const metadata: Metadata = { title: "Server settings" };

export default function SettingsPage() {
  return (
    <>
      <h1>Server settings</h1>
      <p className="lead">
        Runtime values of a node's configuration framework (<code>cfg.list</code>, <code>cfg.get</code>,{" "}
        <code>cfg.set</code>): the PSTN gateway and voicemail server the routing script uses, timers, log
        level. A change applies at once and lasts until the node restarts; put lasting values in its
        configuration file.
      </p>
      <SettingsView />
    </>
  );
}
