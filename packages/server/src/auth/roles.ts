// Who may do what. Every route declares its access; the server refuses to register one that does not.
export const ROLES = ['admin', 'lead', 'reviewer', 'legal', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['ingest', 'relay', 'read', 'flag', 'exchange'] as const;
export type Scope = (typeof SCOPES)[number];

export type Access = { public: true } | { roles?: readonly Role[]; scopes?: readonly Scope[] };

export type Principal =
  | { kind: 'staff'; staffId: number; username: string; role: Role; csrfToken: string }
  | { kind: 'key'; keyId: number; platform: string; scopes: Scope[]; orgId: number | null };

export function actorOf(p: Principal | null | undefined): string {
  if (!p) return 'anonymous';
  return p.kind === 'staff' ? `staff:${p.staffId}` : `key:${p.keyId}`;
}

export function allows(access: Access, p: Principal | null): boolean {
  if ('public' in access) return true;
  if (!p) return false;
  if (p.kind === 'staff') return !!access.roles?.includes(p.role);
  return !!access.scopes?.some((s) => p.scopes.includes(s));
}

/** Common groupings, so route files say intent rather than repeat lists. */
export const ANY_STAFF: readonly Role[] = [...ROLES];
export const ADMIN: readonly Role[] = ['admin'];
export const OPS: readonly Role[] = ['admin', 'lead'];
export const AUDIT_READERS: readonly Role[] = ['admin', 'auditor'];
