import assert from 'assert'
import { measureCorpus } from '../../../fixtures/contact-corpus'

describe('the contact-details guard over its corpus', () => {
  const measured = measureCorpus()

  it('holds at least 200 hidden contact details and 1,000 ordinary marketplace messages, each distinct', () => {
    assert.ok(measured.hidden >= 200, `${measured.hidden} hidden`)
    assert.ok(measured.ordinary >= 1000, `${measured.ordinary} ordinary`)
  })

  it('finds at least 95 % of the hidden details', () => {
    assert.ok(measured.recall >= 0.95, `recall ${measured.recall}; missed: ${measured.missed.join(' | ')}`)
  })

  it('flags at most 1 % of ordinary messages', () => {
    assert.ok(
      measured.false_positive_rate <= 0.01,
      `false positives ${measured.false_positive_rate}: ${measured.false_positives.join(' | ')}`
    )
  })
})
