import { InputError, type PacketSpec, parseJsonText } from '@markwright/core';
import { formatTrace, simulate, toSimPacket } from '@markwright/core/simulate';
import { flag, parseArgs } from '../args';
import { type Command, EXIT } from '../io';
import { loadBox } from '../verify/box-files';

const USAGE =
  'usage: markwright simulate --ruleset FILE [--ip-rules FILE] [--ip6-rules FILE] [--routes FILE] [--tc FILE --tc-dev DEV] --packet JSON [--packet JSON ...] [--json] [--verify]';

/** Each --packet is a JSON object; errors name the packet (`--packet[2].mark`) and the bad value. */
export function readPackets(texts: readonly string[]): PacketSpec[] {
  if (texts.length === 0) throw new InputError('--packet', null, `is required (${USAGE})`);
  return texts.map((text, i) => {
    const field = `--packet[${i + 1}]`;
    const value = parseJsonText(text, field);
    toSimPacket(value, field);
    return value as PacketSpec;
  });
}

const simulateCommand: Command = async (io) => {
  const args = parseArgs(
    io.args,
    ['ruleset', 'ip-rules', 'ip6-rules', 'routes', 'tc', 'tc-dev', 'packet'],
    ['json', 'verify'],
  );
  if (args.positionals.length > 0)
    throw new InputError(args.positionals[0]!, args.positionals[0], `is not an option (${USAGE})`);
  const ruleset = flag(args, 'ruleset');
  if (!ruleset) throw new InputError('--ruleset', null, `is required (${USAGE})`);
  const packets = readPackets(args.flags.get('packet') ?? []);
  const files = {
    ruleset,
    ipRules: flag(args, 'ip-rules'),
    ipRules6: flag(args, 'ip6-rules'),
    routes: flag(args, 'routes'),
    tc: flag(args, 'tc'),
    tcDev: flag(args, 'tc-dev'),
  };
  const loaded = loadBox(files);
  const report = simulate(loaded.box, packets);
  if (args.switches.has('verify')) {
    const { verifyOnKernel } = await import('../verify/verify');
    return verifyOnKernel(io, loaded, packets, report, args.switches.has('json'));
  }
  io.stdout(
    args.switches.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatTrace(report, packets),
  );
  return EXIT.ok;
};

export default simulateCommand;
