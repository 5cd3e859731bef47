import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigFile, FILE_SIGNS, PACKAGE_DATABASES } from '@markwright/core';

// Read under `rootDir` (`/` on a real box; tests give a private root) with plain reads of configuration that
// is only matched, never executed. State files (`exists` signs) are only checked for: they hold keys.

/** Configuration files are small; a larger file is read up to this size, enough for what the signs look for. */
const CONFIG_MAX = 256 * 1024;
/** Package databases list every package on the box (a few MB on a desktop). */
const DATABASE_MAX = 32 * 1024 * 1024;

export function readText(rootDir: string, path: string, max = CONFIG_MAX): ConfigFile | null {
  try {
    const text = readFileSync(join(rootDir, path), 'utf8');
    return { path, text: text.length > max ? text.slice(0, max) : text };
  } catch {
    return null;
  }
}

export function listDir(rootDir: string, dir: string): string[] {
  try {
    return readdirSync(join(rootDir, dir)).sort();
  } catch {
    return [];
  }
}

/** The files FILE_SIGNS name that are on the box (read once each), and the state paths that exist. */
export function signFiles(rootDir: string): { configs: ConfigFile[]; present: string[] } {
  const paths = new Set<string>();
  const present: string[] = [];
  for (const sign of FILE_SIGNS) {
    if (sign.kind === 'exists') {
      if (existsSync(join(rootDir, sign.path)) && !present.includes(sign.path)) present.push(sign.path);
    } else if (sign.kind === 'read') paths.add(sign.path);
    else
      for (const name of listDir(rootDir, sign.path))
        if (sign.names!.test(name)) paths.add(`${sign.path}/${name}`);
  }
  const configs = [...paths].flatMap((p) => readText(rootDir, p) ?? []);
  return { configs, present };
}

/** The package databases present (dpkg, opkg, apk). */
export function packageDatabases(rootDir: string): ConfigFile[] {
  return PACKAGE_DATABASES.flatMap((p) => readText(rootDir, p, DATABASE_MAX) ?? []);
}
