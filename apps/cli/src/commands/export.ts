import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '@markwright/core';
import { ansibleExport, ownershipFor, readDocument } from '@markwright/host';
import { flag, parseArgs } from '../args';
import { readTextFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE = 'usage: markwright export DOC --to ansible DIR [--rule-priorities LO-HI]';
const FORMATS = ['ansible'];

/** Write the document's compiled owned state as an Ansible playbook, example inventory and role under DIR. */
const exportCommand: Command = async (io) => {
  const args = parseArgs(io.args, ['to', 'rule-priorities'], ['json']);
  const [file, dir, extra] = args.positionals;
  if (!file) throw new InputError('DOC', file, `a document file is required (${USAGE})`);
  const to = flag(args, 'to');
  if (!to || !FORMATS.includes(to))
    throw new InputError('--to', to, `must be ${FORMATS.join(' or ')} (${USAGE})`);
  if (!dir) throw new InputError('DIR', dir, `the folder to write is required (${USAGE})`);
  if (extra !== undefined) throw new InputError(extra, extra, `is not expected (${USAGE})`);
  const ownership = ownershipFor(flag(args, 'rule-priorities'), '--rule-priorities');
  const doc = readDocument(readTextFile(file), file);
  try {
    if (!statSync(dir).isDirectory()) throw new InputError('DIR', dir, 'exists and is not a folder');
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  const files = ansibleExport(doc, ownership, file);
  for (const [path, text] of files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, text, { mode: 0o644 });
  }
  if (args.switches.has('json')) io.stdout(`${JSON.stringify({ dir, files: [...files.keys()] }, null, 2)}\n`);
  else
    io.stdout(
      `wrote ${files.size} files to ${dir}: run ansible-playbook -i ${join(dir, 'inventory.ini')} ${join(dir, 'playbook.yml')} (--check first)\n`,
    );
  return EXIT.ok;
};

export default exportCommand;
