// Both launchers; every flow runs once per launcher that can run here (each launcher prints why it skips).

import { electronLauncher } from './electron-launcher';
import type { Launcher } from './launcher';
import { serveLauncher } from './serve-launcher';

export const LAUNCHERS: readonly Launcher[] = [serveLauncher, electronLauncher];
