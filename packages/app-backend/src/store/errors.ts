/** Why a database file cannot be used. The file is left as it was in every case. */
export type StoreErrorKind = 'damaged' | 'newer-schema' | 'not-found' | 'conflict' | 'unwritable';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}
