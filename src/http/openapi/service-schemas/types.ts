import type { TSchema } from '@feathersjs/typebox'

/** What the OpenAPI document says of one REST service, from the schemas that validate its calls. */
export interface ServiceSchemas {
  description: string
  result: TSchema
  data?: TSchema
  patch?: TSchema
  query?: TSchema
  /** query of a patch without an id */
  patchQuery?: TSchema
  /** fields `find` adds next to `total`, `limit`, `skip`, `data` */
  pageTotals?: Record<string, TSchema>
  /** a page's fields in this service's own words, or fields only some of its pages have (optional ones) */
  pageFields?: Record<string, TSchema>
  /** `find` reads the channel `channel_id` names, when it names one: an admin naming none that exists gets 404 */
  findNamesChannel?: boolean
  /** what `{id}` names, when it is not the result's own `id` */
  idParameter?: TSchema
  /** the shapes a create body takes when its fields come in alternatives: documented as `oneOf` */
  dataForms?: DataForm[]
  /** `find` reads one page by its query's own `$limit` (its size, its bounds) and has no `$skip` */
  ownPaging?: boolean
  /** documented limits stricter than the schema's, where a later rule is the real one */
  documentedLimits?: Record<string, Record<string, unknown>>
}

/** One shape of a body: which of the data schema's fields it has, and which it needs. */
export interface DataForm {
  name: string
  title: string
  fields: string[]
  required: string[]
}
