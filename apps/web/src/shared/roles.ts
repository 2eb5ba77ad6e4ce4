/** Role ladder shared by the server checks and the UI (which only hides what the server refuses). */
export type Role = "admin" | "operator" | "viewer";

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
