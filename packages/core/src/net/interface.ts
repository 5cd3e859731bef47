// Interface names as the kernel accepts them (dev_valid_name).

const utf8Length = (text: string): number =>
  [...text].reduce((n, ch) => {
    const cp = ch.codePointAt(0)!;
    return n + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  }, 0);

/** At most IFNAMSIZ - 1 = 15 bytes, no `/`, `:` or whitespace, and not `.` or `..`. */
export const isInterfaceName = (name: string): boolean =>
  name.length > 0 && utf8Length(name) <= 15 && !/[/:\s]/.test(name) && name !== '.' && name !== '..';

/** An interface name, or a name prefix ending in `*` as rules match interfaces (`eth*`). */
export const isInterfacePattern = (name: string): boolean =>
  isInterfaceName(name.endsWith('*') ? name.slice(0, -1) : name);
