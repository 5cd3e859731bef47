export { emitIptablesRestore, type IptablesRestoreOptions } from './print-restore';
export { emitIptablesRule, type IptablesEmitContext } from './print-rule';
