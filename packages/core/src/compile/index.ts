export { parseCidr } from './address';
export { MANGLE_PRIORITY } from './chains';
export { compileDocument, compileIptablesRuleset } from './compile-document';
export { persistMask } from './field-bits';
export { compileForLanguage } from './for-language';
export {
  type CompileFamilies,
  type CompileOptions,
  MARKWRIGHT_RULE_PROTOCOL,
  MARKWRIGHT_TABLE,
  resolveOptions,
} from './options';
export { compileOwned } from './owned';
export {
  copiedTableRoutes,
  declaredTableRoutes,
  type OwnedRouteTable,
  ownedTableIds,
  ownedTables,
  routesWithOwnedTables,
} from './tables';
export { boxWithDocument } from './with-document';
