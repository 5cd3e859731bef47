import type { Command } from '../io';

const notYet: Command = async (io) => {
  io.stderr('markwright: this command is not available in this build yet\n');
  return 2;
};
export const plan = notYet;
export const apply = notYet;
export const confirm = notYet;
export const rollback = notYet;
export const status = notYet;
export const history = notYet;
export const uninstall = notYet;
