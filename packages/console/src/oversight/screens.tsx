// The oversight area's screens (see ../screens.ts): the audit log and transparency figures (under /admin) and
// the leads' team dashboard (/team).
import type { Screen } from '../screens.ts';

export const screens: Screen[] = [];
export const teamScreens: Screen[] = [];
