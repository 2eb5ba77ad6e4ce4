/**
 * The sidebar. A new page adds its entry here (and its router in server/routers/_app.ts); `role` is
 * the least role that sees the entry, mirroring what its procedures allow.
 */
import type { Role } from "./roles";

export interface NavItem {
  href: string;
  label: string;
  role: Role;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  {
    title: "Monitoring",
    items: [
      { href: "/dashboard", label: "Dashboard", role: "viewer" },
      { href: "/registrations", label: "Registrations", role: "viewer" },
      { href: "/charts", label: "Charts", role: "viewer" },
    ],
  },
  {
    title: "Subscribers",
    items: [
      { href: "/subscribers", label: "Subscribers", role: "viewer" },
      { href: "/aliases", label: "Aliases", role: "viewer" },
      { href: "/speeddial", label: "Speed dial", role: "viewer" },
      { href: "/preferences", label: "User preferences", role: "viewer" },
    ],
  },
  {
    title: "Routing",
    items: [
      { href: "/domains", label: "Domains", role: "viewer" },
      { href: "/dispatcher", label: "Dispatcher", role: "viewer" },
      { href: "/dialplan", label: "Dialplan", role: "viewer" },
    ],
  },
  {
    title: "Access control",
    items: [
      { href: "/groups", label: "Groups", role: "viewer" },
      { href: "/permissions", label: "Permissions", role: "viewer" },
    ],
  },
  {
    title: "Calls",
    items: [
      { href: "/accounting", label: "Accounting", role: "viewer" },
      { href: "/cdrs", label: "CDRs", role: "viewer" },
      { href: "/billing", label: "Billing rates", role: "viewer" },
    ],
  },
  {
    title: "System",
    items: [
      { href: "/nodes", label: "Nodes", role: "viewer" },
      { href: "/settings", label: "Server settings", role: "viewer" },
      { href: "/rpc", label: "RPC console", role: "viewer" },
      { href: "/admins", label: "Admins", role: "admin" },
      { href: "/audit", label: "Audit log", role: "admin" },
      { href: "/account", label: "My account", role: "viewer" },
    ],
  },
];
