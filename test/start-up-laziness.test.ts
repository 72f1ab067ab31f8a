import assert from 'assert'
import { execFileSync } from 'child_process'
import { getValidator, Type } from '@feathersjs/typebox'
import { dataValidator } from '../src/validators'
import { root } from './helpers/processes'

// What a process has done once it has built the app, without serving anything yet
const AFTER_CREATE_APP = `
  const { createApp } = require('./src/app')
  const { dataValidator, queryValidator } = require('./src/validators')
  createApp({ database: { url: 'postgres://127.0.0.1:1/none', dataDir: '' } })
  const loaded = Object.keys(require.cache)
  console.log(JSON.stringify({
    vendors: loaded.filter((file) => /node_modules\\/(twilio|firebase-admin)\\//.test(file)).length,
    compiled: [...Object.keys(dataValidator.refs), ...Object.keys(queryValidator.refs)].filter((id) => /^[A-Z]/.test(id))
  }))
`

describe('start-up laziness', function () {
  this.timeout(60_000)

  it('building the app compiles no service schema and loads no vendor SDK that is not configured', () => {
    const { TWILIO_ACCOUNT_SID: _sid, FIREBASE_SERVICE_ACCOUNT: _fcm, ...environment } = process.env
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', AFTER_CREATE_APP], {
      cwd: root,
      env: { ...environment, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      encoding: 'utf8'
    })
    const { vendors, compiled } = JSON.parse(output.trim().split('\n').pop()!)
    assert.strictEqual(vendors, 0, 'twilio or firebase-admin was loaded without being configured')
    assert.deepStrictEqual(compiled, [], `schemas compiled before any call: ${compiled}`)
  })

  describe('a validator compiled on first use', () => {
    const schema = Type.Object(
      { n: Type.Integer({ minimum: 1 }) },
      { $id: 'LazinessProbe', additionalProperties: false }
    )
    const validate = getValidator(schema, dataValidator)

    it('is compiled by its first call, once', async () => {
      assert.strictEqual(dataValidator.refs.LazinessProbe, undefined)
      assert.deepStrictEqual(await validate({ n: 2 }), { n: 2 })
      const compiled = dataValidator.refs.LazinessProbe
      assert.ok(compiled, 'the first call compiled the schema')
      await validate({ n: 3 })
      assert.strictEqual(dataValidator.refs.LazinessProbe, compiled, 'a later call compiled it again')
    })

    it('refuses what the schema refuses, as an Ajv validation error', async () => {
      await assert.rejects(
        validate({ n: 0 }) as Promise<unknown>,
        (error: any) => error.ajv === true && error.errors[0].instancePath === '/n'
      )
      await assert.rejects(
        validate({ n: 1, extra: true }) as Promise<unknown>,
        (error: any) => error.ajv === true
      )
    })
  })
})
