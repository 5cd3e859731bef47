import type { IpRule, Route } from '../ir/types';

export type { LintCode, LintFinding, LintReport, LintSeverity } from '../reports/types';

/** The box a design is linted against: its routes and ip rules (as probed or read from files) and sysctls. */
export interface LintBox {
  readonly routes: readonly Route[];
  readonly ipRules: readonly IpRule[];
  /**
   * `net.ipv4.conf.<iface|all>.rp_filter` and `...src_valid_mark` values by key, as `sysctl -a` prints them.
   * Without them reverse-path filtering is not checked.
   */
  readonly sysctls?: Readonly<Record<string, string>>;
}

export interface LintOptions {
  /** The ip rule protocol Markwright's own rules carry on the box (77 unless the ownership says otherwise). */
  readonly ruleProtocol?: number;
}
