import assert from 'assert'
import type { FeathersError } from '@feathersjs/errors'

/**
 * How long a test waits after the last expected event before asserting that no other
 * (duplicate or unwanted) event arrived.
 */
export const QUIET_MS = 300

/** Runs `call` and returns the Feathers error it fails with (fails the test if it succeeds). */
export async function failure(call: () => Promise<unknown>): Promise<FeathersError> {
  try {
    await call()
  } catch (error) {
    // What a Feathers client rejects with, over either transport
    return error as FeathersError
  }
  assert.fail('expected the call to be refused, but it succeeded')
}

/** Runs `call`, asserts that it fails with a Feathers error of this code, and returns that error. */
export async function rejectsWith(code: number, call: () => Promise<unknown>, what = '') {
  const error = await failure(call)
  assert.strictEqual(
    error.code,
    code,
    `${what}: expected ${code}, got ${error.code} ${error.name}: ${error.message}`
  )
  return error
}

/** Resolves if `promise` rejects with a Feathers error of this code; fails otherwise. */
export async function rejectsWithCode(promise: Promise<unknown>, code: number) {
  await assert.rejects(promise, (error: Partial<FeathersError> | undefined) => {
    assert.strictEqual(error?.code, code, `expected a ${code}, got ${error?.code} ${error?.message}`)
    return true
  })
}
