import type { Application, FeathersService, Params } from '@feathersjs/feathers'
import type { Configuration, ServiceEvents, ServiceTypes } from './client'
import type { AuthenticationRequest, AuthenticationResult } from './modules/identity/authentication.schema'

/** The EventEmitter methods that take a listener: Feathers types their payloads as `any`. */
export type ListenerMethods =
  'on' | 'once' | 'off' | 'addListener' | 'removeListener' | 'prependListener' | 'prependOnceListener'

/**
 * A service's listener methods typed by what its events carry (event name → payload): a
 * listener that expects another payload, or an event the service never sends, does not compile.
 */
export interface ServiceEventListeners<Events> {
  on<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
  once<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
  off<E extends keyof Events & string>(event: E, listener?: (payload: Events[E]) => void): this
  addListener<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
  removeListener<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
  prependListener<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
  prependOnceListener<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): this
}

/**
 * A client service whose listener methods know its events. Adding typed overloads beside
 * Feathers' would not do: its catch-all `(event: string, listener: (...args: any[]) => void)`
 * would still accept any listener, so those methods are replaced.
 */
export type WithTypedEvents<Service, Events> = Omit<Service, ListenerMethods> & ServiceEventListeners<Events>

/** A service as the client holds it: its methods, and listeners typed by what its events carry. */
export type ClientService<L extends keyof ServiceTypes> = WithTypedEvents<
  FeathersService<ClientApplication, ServiceTypes[L]>,
  L extends keyof ServiceEvents ? ServiceEvents[L] : {}
>

/** The Feathers application as Feathers types it: services' events and sign-in results untyped. */
export type FeathersClient = Application<ServiceTypes, Configuration>

/** The client app: Feathers' own, with each service's events and the sign-in result typed. */
export interface ClientApplication extends Omit<
  FeathersClient,
  'service' | 'configure' | 'authenticate' | 'reAuthenticate'
> {
  service<L extends keyof ServiceTypes & string>(path: L): ClientService<L>
  configure(callback: (this: ClientApplication, app: ClientApplication) => void): this
  /** Signs in: the token, what it says, and the signed-in person's own record. */
  authenticate(request?: AuthenticationRequest, params?: Params): Promise<AuthenticationResult>
  /** Signs in again with the stored token (after a reload, or when the socket reconnects). */
  reAuthenticate(force?: boolean, strategy?: string, params?: Params): Promise<AuthenticationResult>
}
