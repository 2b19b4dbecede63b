// The policy area's screens (see ../screens.ts).
import type { Screen } from '../screens.ts';

export const screens: Screen[] = [];
