export { emitIptablesRestore, type IptablesRestoreOptions } from './restore';
export { emitIptablesRule, type IptablesEmitContext } from './rule';
