// InputError and printable live with the other tagged errors; the bit helpers keep importing them from here.
export { InputError } from '../errors/input';
export { printable } from '../errors/printable';
