// tc handles as tc writes them: `MAJ:MIN` in hex, 1..4 digits each.

const CLASSID = /^[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}$/;
const PARENT = /^(root|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4})$/;

/** A class id such as `1:30`. */
export const isTcClassid = (text: string): boolean => CLASSID.test(text);

/** A filter's parent: `root`, a qdisc `1:` or a class `1:10`. */
export const isTcParent = (text: string): boolean => PARENT.test(text);
