// Both launchers; every flow runs once per launcher that can run here and prints why any other is skipped.

import { electronLauncher } from './electron-launcher';
import type { Launcher } from './launcher';
import { serveLauncher } from './serve-launcher';

export const LAUNCHERS: readonly Launcher[] = [serveLauncher, electronLauncher];

for (const launcher of LAUNCHERS) {
  if (launcher.skipReason) console.log(`[${launcher.name}] ${launcher.skipReason}`);
}
