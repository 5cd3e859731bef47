// Where privilege comes from when a user is not root: one helper, started through pkexec, allowed by one polkit
// action whose exec.path is exactly the helper. Kernel tools are never elevated one by one.

/** The privileged helper the package installs (the polkit action names this exact path). */
export const HELPER_PATH = '/usr/lib/markwright/markwright-helper';
export const PKEXEC_PATH = '/usr/bin/pkexec';
export const POLKIT_ACTION = 'org.markwright.manage';
export const POLKIT_ACTION_FILE = '/usr/share/polkit-1/actions/org.markwright.policy';

/** Whether this process can change the kernel itself (effective uid 0). */
export function runningAsRoot(): boolean {
  return typeof process.geteuid === 'function' ? process.geteuid() === 0 : false;
}
