// The package exports its extensions under `contrib/*` only through `exports`, which the
// project's module resolution does not read; the types sit beside the built files
declare module '@electric-sql/pglite/contrib/unaccent' {
  export { unaccent } from '@electric-sql/pglite/dist/contrib/unaccent'
}
declare module '@electric-sql/pglite/contrib/btree_gin' {
  export { btree_gin } from '@electric-sql/pglite/dist/contrib/btree_gin'
}
