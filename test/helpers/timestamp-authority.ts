import fs from 'fs'
import http from 'http'
import os from 'os'
import path from 'path'
import { execFileSync, spawn } from 'child_process'
import type { AddressInfo } from 'net'

/**
 * A real RFC 3161 time-stamp authority for tests: OpenSSL's own (`openssl ts -reply`),
 * with a CA and a TSA certificate made here, behind a small plain-HTTP endpoint on
 * loopback, as an authority speaks. `mode` makes it answer, refuse (503) or stall.
 */
export interface TimestampAuthority {
  url: string
  /** the TSA's certificate and its CA's, PEM files: what a verifier trusts */
  tsaCertificate: string
  caCertificate: string
  /** requests answered so far */
  answered: number
  mode: 'answer' | 'down' | 'stall'
  close(): Promise<void>
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' })

/** A CA and a TSA certificate under it (EC P-256; extended key usage timeStamping, critical). */
export function makeAuthorityFiles(dir: string, name: string) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    ['req', '-x509', ...ec, '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '3650'].concat([
      '-subj',
      `/CN=${name} test root`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ]),
    dir
  )
  openssl(
    ['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name} TSA`],
    dir
  )
  fs.writeFileSync(
    path.join(dir, `${name}.ext`),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n'
  )
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`].concat([
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '3650',
      '-extfile',
      `${name}.ext`
    ]),
    dir
  )
  fs.writeFileSync(path.join(dir, `${name}.serial`), '01\n')
  fs.writeFileSync(
    path.join(dir, `${name}.cnf`),
    `[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = ${dir}
serial = $dir/${name}.serial
crypto_device = builtin
signer_cert = $dir/${name}.pem
certs = $dir/${name}-ca.pem
signer_key = $dir/${name}.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`
  )
  return {
    config: path.join(dir, `${name}.cnf`),
    tsaCertificate: path.join(dir, `${name}.pem`),
    caCertificate: path.join(dir, `${name}-ca.pem`)
  }
}

/** `openssl ts -reply` on one request; one at a time, as it keeps its serial number in a file. */
function reply(config: string, dir: string, query: Buffer): Promise<Buffer> {
  const queryFile = path.join(dir, `query-${process.hrtime.bigint()}.tsq`)
  fs.writeFileSync(queryFile, query)
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['ts', '-reply', '-config', config, '-queryfile', queryFile], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    let errors = ''
    child.stdout.on('data', (chunk) => out.push(chunk))
    child.stderr.on('data', (chunk) => (errors += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      fs.rmSync(queryFile, { force: true })
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new Error(`openssl ts -reply failed: ${errors}`))
    })
  })
}

export async function startTimestampAuthority(name = 'authority'): Promise<TimestampAuthority> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsa-'))
  const files = makeAuthorityFiles(dir, name)
  let queue: Promise<unknown> = Promise.resolve()
  const stalled = new Set<http.ServerResponse>()
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      if (authority.mode === 'down') return response.writeHead(503).end()
      if (authority.mode === 'stall') return void stalled.add(response)
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query')
        return response.writeHead(400).end()
      const answer = (queue = queue.then(() => reply(files.config, dir, Buffer.concat(chunks))))
      answer.then(
        (der) => {
          authority.answered++
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der)
        },
        () => response.writeHead(500).end()
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const authority: TimestampAuthority = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    tsaCertificate: files.tsaCertificate,
    caCertificate: files.caCertificate,
    answered: 0,
    mode: 'answer',
    async close() {
      for (const response of stalled) response.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      // A reply under way (openssl writing its files here) finishes before its folder goes
      await queue.catch(() => undefined)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  return authority
}
