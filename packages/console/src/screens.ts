// The console's screens, one registry per area. App.tsx builds the navigation and the routing from these lists,
// so adding a screen is one entry in its area's file. The server still checks every request: `roles` only
// decides what the console offers.
import type { ReactNode } from 'react';
import type { Staff } from './api/types.ts';
import type { Wellness } from './Media.tsx';

export type Role = Staff['role'];
export type Section = 'review' | 'team' | 'legal' | 'admin' | 'settings';

export interface ScreenProps {
  staff: Staff;
  /** Values of `:name` segments in the path, decoded. */
  params: Record<string, string>;
  search: URLSearchParams;
  /** The signed-in person's media settings (blur, greyscale…), for screens that show media. */
  wellness: Wellness;
}

export interface Screen {
  /** Path under /console, with `:name` segments (`/admin/banks/:name`). */
  path: string;
  section: Section;
  /** The label in the section's navigation; screens without one (detail pages) are reached by links. */
  label?: string;
  roles: readonly Role[];
  render: (p: ScreenProps) => ReactNode;
}

export const SECTION_LABELS: Record<Section, string> = {
  review: 'Review',
  team: 'Team',
  legal: 'Legal',
  admin: 'Admin',
  settings: 'Settings',
};

/** Matches a console path against a screen's pattern; returns the decoded params, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(got[i]!);
      } catch {
        return null;
      }
    } else if (w !== got[i]) return null;
  }
  return params;
}
