import type { RouteNode } from '@feathersjs/transport-commons/lib/routing'
import type { Application } from '../declarations'

const withoutPrototype = (node: RouteNode) => {
  node.children = Object.assign(Object.create(null), node.children)
  Object.values(node.children).forEach(withoutPrototype)
  node.placeholders.forEach(withoutPrototype)
}

/**
 * The Feathers router (REST and Socket.io alike) keeps each level's path segments in a
 * plain object, so a segment named after an `Object.prototype` member (`constructor`,
 * `toString`, `__proto__`) found that member instead of a route and the lookup threw a
 * TypeError: a 500. Every level is moved onto an object without a prototype after each
 * service registration, so such a path is unknown (404) or an id like any other.
 */
export const routesWithoutPrototype = (app: Application) => {
  app.mixins.push(() => withoutPrototype(app.routes.root))
}
