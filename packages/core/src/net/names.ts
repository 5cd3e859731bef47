/** A network namespace name as `ip netns` takes it: a file name under /run/netns (not `.` or `..`). */
export const isNetnsName = (name: string): boolean =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(name) && name !== '.' && name !== '..';
