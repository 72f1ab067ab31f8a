import http from 'http'
import type { AddressInfo } from 'net'

/** A plain HTTP server on a free loopback port, and what the vendor stubs share to answer like the vendor. */

export async function listen(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

export async function stop(server: http.Server) {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

export async function readBody(req: http.IncomingMessage) {
  let text = ''
  for await (const chunk of req) text += chunk
  return text
}

export function reply(res: http.ServerResponse, status: number, json: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(json))
}
