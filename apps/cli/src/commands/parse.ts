import type { Command } from '../io';

const notYet: Command = async (io) => {
  io.stderr('markwright: this command is not available in this build yet\n');
  return 2;
};
export default notYet;
