import { register } from './index';

// One line per verb. Each module default-exports its Command.
register(
  'suggest',
  'suggest --target T: free bits, a free ip rule priority band and free tables, given what is on the box',
  async () => (await import('./suggest')).default,
);
register(
  'layout',
  'layout check FILE [--host-rules FILE] [--target T]: validate a markwright/1 document and report conflicts, detected on the box or catalogue',
  async () => (await import('./layout')).default,
);
register(
  'explain',
  'explain MARK: decode a mark bit by bit against a document and known consumers',
  async () => (await import('./explain')).default,
);
register(
  'parse',
  'parse FILE [--syntax auto|iptables|nft|nft-json] [--json]: read a ruleset and summarise it (or print the IR)',
  async () => (await import('./parse')).default,
);
register(
  'normalize',
  'normalize --syntax iptables|nft: canonical form of rules read from stdin',
  async () => (await import('./normalize')).default,
);
register(
  'compile',
  'compile FILE --to nft|iptables|ip-rule|tc: emit a document in a rule language',
  async () => (await import('./compile')).default,
);
register(
  'simulate',
  'simulate --ruleset FILE --packet JSON [--verify]: trace packets through netfilter and routing; --verify replays UDP and TCP, IPv4 and IPv6 packets through the kernel in scratch namespaces and exits 3 when the kernel disagrees',
  async () => (await import('./simulate')).default,
);
register(
  'lint',
  "lint DOC [--target T | --routes FILE --ip-rules FILE] [--sysctls FILE] [--json]: run each rule's connection (with its reply) through the design and the box, and report packets that go the wrong way, incomplete tables, shadowed rules, unused fields and reverse-path filtering that drops traffic",
  async () => (await import('./lint')).default,
);
register('plan', 'plan DOC --target T: what apply would change', async () => (await import('./deploy')).plan);
register(
  'apply',
  'apply DOC --target T [--confirm-when-verified]: atomic apply with confirm-or-revert, or kept only when the live box does what the document says',
  async () => (await import('./deploy')).apply,
);
register(
  'confirm',
  'confirm --target T: keep the pending deployment',
  async () => (await import('./deploy')).confirm,
);
register(
  'rollback',
  'rollback [--to ID] [--confirm-when-verified] --target T: restore an earlier deployment',
  async () => (await import('./deploy')).rollback,
);
register(
  'status',
  'status --target T: live state vs the last deployment',
  async () => (await import('./deploy')).status,
);
register('history', 'history --target T: past deployments', async () => (await import('./deploy')).history);
register(
  'uninstall',
  'uninstall --target T: remove every rule and file Markwright installed',
  async () => (await import('./deploy')).uninstall,
);
register(
  'trace',
  'trace --target T --match EXPR: live path of matching packets, rule owners and decoded marks',
  async () => (await import('./trace')).default,
);
register(
  'impact',
  'impact DOC --target T: which live connections the document would change',
  async () => (await import('./impact')).default,
);
register(
  'export',
  'export DOC --to ansible DIR: the compiled owned state as an Ansible playbook, inventory and role',
  async () => (await import('./export')).default,
);
register(
  'serve',
  'serve [--port N] [--db PATH] [--open]: the app in a browser on 127.0.0.1',
  async () => (await import('./serve')).default,
);
